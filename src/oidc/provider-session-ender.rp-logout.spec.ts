import type { KoaContextWithOIDC } from 'oidc-provider';
import { AuditAction } from '../audit/audit-action';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import {
  link,
  providerSessionEnder,
  type ProviderSessionEnderRig,
} from '../../test/support/provider-session-ender-rig';

/** The provider's logout confirmation as Koa hands it to the middleware. */
function logoutContext(overrides: { path?: string; method?: string; cookie?: string } = {}) {
  const headers: Record<string, string> = { 'user-agent': 'spec-browser' };
  return {
    path: overrides.path ?? '/session/end/confirm',
    method: overrides.method ?? 'POST',
    status: 404,
    ip: '198.51.100.4',
    cookies: { get: jest.fn(() => ('cookie' in overrides ? overrides.cookie : 'cookie-1')) },
    get: (name: string) => headers[name] ?? '',
    res: { getHeader: () => 'req-7' },
    oidc: { client: { clientId: 'wiki' } },
  };
}

/** Registers the ender as the module would, and returns its RP-initiated logout middleware. */
function rpLogout(rig: ProviderSessionEnderRig) {
  rig.service.onModuleInit();
  const [middleware] = rig.providers.use.mock.calls[0];
  return async (ctx: ReturnType<typeof logoutContext>, status: number) => {
    await middleware(ctx as unknown as KoaContextWithOIDC, async () => {
      // The provider deletes its session while confirming: its uid must be known before.
      rig.provider.Session.find.mockResolvedValue(undefined);
      ctx.status = status;
    });
  };
}

describe('ProviderSessionEnder, RP-initiated logout', () => {
  it('ends every Aegis session behind the provider session and audits it', async () => {
    const rig = providerSessionEnder([
      link(),
      link({ grantId: 'grant-2', aegisSessionId: 's-2' }),
      link(),
    ]);
    await rpLogout(rig)(logoutContext(), 303);
    expect(rig.provider.Session.find).toHaveBeenCalledWith('cookie-1');
    expect(rig.links.findOpenByProviderSession).toHaveBeenCalledWith('uid-1');
    expect(rig.sessions.revoke.mock.calls).toEqual([
      ['s-1', SessionRevocationReason.Logout],
      ['s-2', SessionRevocationReason.Logout],
    ]);
    expect(rig.unitOfWork.run).toHaveBeenCalledTimes(1);
    expect(rig.audit.record).toHaveBeenCalledWith({
      action: AuditAction.OidcLogout,
      outcome: 'success',
      actorUserId: 'u-1',
      resourceType: 'oidc_session',
      resourceId: 'uid-1',
      details: { reason: 'rp_initiated', client_id: 'wiki' },
      meta: { ip: '198.51.100.4', userAgent: 'spec-browser', requestId: 'req-7' },
    });
  });

  it.each([
    ['the user did not confirm (no redirect)', {}, 200],
    ['another provider route', { path: '/session/end' }, 303],
    ['a GET of the confirmation route', { method: 'GET' }, 303],
    ['a browser without a provider session cookie', { cookie: undefined }, 303],
  ])('ends no Aegis session for %s', async (_case, overrides, status) => {
    const rig = providerSessionEnder();
    await rpLogout(rig)(logoutContext(overrides), status);
    expect(rig.sessions.revoke).not.toHaveBeenCalled();
    expect(rig.audit.record).not.toHaveBeenCalled();
  });

  it('writes nothing when no tool is signed in through that provider session', async () => {
    const rig = providerSessionEnder([]);
    await rpLogout(rig)(logoutContext(), 303);
    expect(rig.unitOfWork.run).not.toHaveBeenCalled();
    expect(rig.audit.record).not.toHaveBeenCalled();
  });
});

describe('ProviderSessionEnder on ended sessions', () => {
  it('ends the provider side whenever the sessions feature publishes ended sessions', async () => {
    const rig = providerSessionEnder();
    await rig.service.sessionsEnded({ userId: 'u-1' });
    expect(rig.links.findOpen).toHaveBeenCalledWith({ userId: 'u-1' });
    expect(rig.payloads.destroyByGrant).toHaveBeenCalled();
  });

  it('installs the logout hook and the revocation audit around every provider request', () => {
    const rig = providerSessionEnder();
    rig.service.onModuleInit();
    expect(rig.providers.use).toHaveBeenCalledTimes(2);
  });
});
