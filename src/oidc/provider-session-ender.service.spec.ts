import { Logger } from '@nestjs/common';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { FrozenClock, NOW } from '../../test/support/auth-fixtures';
import { newTestService, provide } from '../../test/support/test-service';
import { OidcSessionLink } from './entities/oidc-session-link.entity';
import { OidcPayloadRepository } from './oidc-payload.repository';
import { OidcProviderService } from './oidc-provider.service';
import { ProviderSessionEnder } from './provider-session-ender.service';
import { SessionLinksRepository } from './session-links.repository';
import { SessionLinksService } from './session-links.service';
import { GRANT_BOUND_MODELS } from './typeorm-adapter';

const link = (overrides: Partial<OidcSessionLink> = {}): OidcSessionLink =>
  Object.assign(new OidcSessionLink(), {
    grantId: 'grant-1',
    clientId: 'wiki',
    userId: 'u-1',
    aegisSessionId: 's-1',
    providerSessionUid: 'uid-1',
    createdAt: NOW,
    endedAt: null,
    ...overrides,
  });

/** Relying parties as the provider knows them: the wiki takes back-channel logouts, the chat does not. */
function fakeProvider() {
  const backchannelLogout = jest.fn(async (_sub: string, _sid: string | undefined) => undefined);
  const trackerLogout = jest.fn(async (_sub: string, _sid: string | undefined) => undefined);
  const clients: Record<string, object> = {
    wiki: { backchannelLogoutUri: 'https://wiki.example/logout', backchannelLogout },
    chat: { backchannelLogoutUri: undefined, backchannelLogout },
    tracker: {
      backchannelLogoutUri: 'https://tracker.example/logout',
      backchannelLogout: trackerLogout,
    },
  };
  const providerSession = { uid: 'uid-1', sidFor: (clientId: string) => `sid-${clientId}` };
  const provider = {
    Client: { find: jest.fn(async (id: string) => clients[id]) },
    Session: {
      findByUid: jest.fn(async (uid: string) => (uid === 'uid-1' ? providerSession : undefined)),
      find: jest.fn(async (cookie: string) =>
        cookie === 'cookie-1' ? providerSession : undefined,
      ),
    },
    cookieName: (type: string) => `_${type}`,
  };
  return { provider, backchannelLogout, trackerLogout };
}

/** How the provider reports a tool's refusal: an error carrying the response. */
const refused = (status: number) =>
  Object.assign(new Error(`expected 200 OK, got: ${status}`), { response: { status } });
/** How fetch reports a tool that is not listening. */
const unreachable = () =>
  Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

function setup(open: OidcSessionLink[] = [link()]) {
  const { service, double } = newTestService(
    ProviderSessionEnder,
    provide(Clock, new FrozenClock()),
  );
  const links = double(SessionLinksRepository);
  links.findOpen.mockResolvedValue(open);
  links.findOpenByProviderSession.mockResolvedValue(open);
  links.markEnded.mockResolvedValue(true);
  const liveness = double(SessionLinksService);
  liveness.isGrantLive.mockResolvedValue(false);
  liveness.liveAegisSessionOf.mockResolvedValue(null);
  const { provider, backchannelLogout, trackerLogout } = fakeProvider();
  // No real waiting between delivery attempts.
  service.retryDelays = [0, 0];
  const providers = double(OidcProviderService);
  providers.provider.mockResolvedValue(provider as unknown as Provider);
  const unitOfWork = double(UnitOfWork);
  unitOfWork.run.mockImplementation((work) => work());
  return {
    service,
    links,
    liveness,
    provider,
    providers,
    backchannelLogout,
    trackerLogout,
    unitOfWork,
    payloads: double(OidcPayloadRepository),
    sessions: double(SessionsService),
    audit: double(AuditService),
  };
}

describe('ProviderSessionEnder.endFor', () => {
  it('ends the grants of an ended Aegis session: tokens gone, back-channel logout, provider session gone', async () => {
    const rig = setup([link(), link({ grantId: 'grant-2', clientId: 'chat' })]);
    expect(await rig.service.endFor({ sessionIds: ['s-1'] })).toBe(2);
    expect(rig.links.findOpen).toHaveBeenCalledWith({ aegisSessionIds: ['s-1'] });
    expect(rig.links.markEnded).toHaveBeenCalledWith('grant-1', NOW);
    expect(rig.payloads.destroyByGrant).toHaveBeenCalledWith(GRANT_BOUND_MODELS, 'grant-1');
    expect(rig.payloads.destroyByGrant).toHaveBeenCalledWith(GRANT_BOUND_MODELS, 'grant-2');
    // Only the client that registered a back-channel URI hears of it, with the user and its own sid.
    expect(rig.backchannelLogout).toHaveBeenCalledTimes(1);
    expect(rig.backchannelLogout).toHaveBeenCalledWith('u-1', 'sid-wiki');
    expect(rig.payloads.destroySessionByUid).toHaveBeenCalledWith('uid-1');
    expect(rig.unitOfWork.run).toHaveBeenCalledTimes(1);
    expect(rig.audit.record).toHaveBeenCalledWith({
      action: AuditAction.OidcLogout,
      outcome: 'success',
      actorUserId: 'u-1',
      resourceType: 'oidc_session',
      resourceId: 'uid-1',
      details: {
        reason: 'aegis_session_ended',
        clients: 'wiki chat',
        backchannel_notified: 'wiki',
        backchannel_failed: '',
      },
    });
  });

  it('asks for a user’s links or for every link as the scope says', async () => {
    const rig = setup([]);
    await rig.service.endFor({ userId: 'u-1' });
    expect(rig.links.findOpen).toHaveBeenLastCalledWith({ userId: 'u-1' });
    await rig.service.endFor('all');
    expect(rig.links.findOpen).toHaveBeenLastCalledWith('all');
  });

  it('leaves a grant whose Aegis session is still live untouched', async () => {
    const rig = setup();
    rig.liveness.isGrantLive.mockResolvedValue(true);
    expect(await rig.service.endFor('all')).toBe(0);
    expect(rig.links.markEnded).not.toHaveBeenCalled();
    expect(rig.payloads.destroyByGrant).not.toHaveBeenCalled();
    expect(rig.backchannelLogout).not.toHaveBeenCalled();
    expect(rig.audit.record).not.toHaveBeenCalled();
  });

  it('does nothing twice for a grant another instance ended first', async () => {
    const rig = setup();
    rig.links.markEnded.mockResolvedValue(false);
    expect(await rig.service.endFor('all')).toBe(0);
    expect(rig.payloads.destroyByGrant).not.toHaveBeenCalled();
    expect(rig.backchannelLogout).not.toHaveBeenCalled();
    expect(rig.payloads.destroySessionByUid).not.toHaveBeenCalled();
  });

  it('keeps the provider session of a browser that signed in again meanwhile', async () => {
    const rig = setup();
    rig.liveness.liveAegisSessionOf.mockResolvedValue({ sessionId: 's-2', userId: 'u-1' });
    expect(await rig.service.endFor('all')).toBe(1);
    expect(rig.liveness.liveAegisSessionOf).toHaveBeenCalledWith('uid-1');
    expect(rig.backchannelLogout).toHaveBeenCalled();
    expect(rig.payloads.destroySessionByUid).not.toHaveBeenCalled();
    expect(rig.audit.record).toHaveBeenCalled();
  });

  it('still ends the rest when one client’s tool stays unreachable, and says so per client', async () => {
    const rig = setup([link({ clientId: 'tracker' }), link({ grantId: 'grant-2' })]);
    rig.trackerLogout.mockRejectedValue(unreachable());
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    expect(await rig.service.endFor('all')).toBe(2);
    expect(warn).toHaveBeenCalledWith(
      'Back-channel logout to client tracker failed after 3 attempt(s): ECONNREFUSED',
    );
    warn.mockRestore();
    expect(rig.trackerLogout).toHaveBeenCalledTimes(3);
    expect(rig.backchannelLogout).toHaveBeenCalledTimes(1);
    expect(rig.payloads.destroySessionByUid).toHaveBeenCalledWith('uid-1');
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        details: expect.objectContaining({
          clients: 'tracker wiki',
          backchannel_notified: 'wiki',
          backchannel_failed: 'tracker: ECONNREFUSED after 3 attempt(s)',
        }),
      }),
    );
  });

  it('retries a tool that was briefly down or answered 5xx, and reports it delivered', async () => {
    const rig = setup([link({ clientId: 'tracker' })]);
    rig.trackerLogout.mockRejectedValueOnce(unreachable()).mockRejectedValueOnce(refused(503));
    expect(await rig.service.endFor('all')).toBe(1);
    expect(rig.trackerLogout).toHaveBeenCalledTimes(3);
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        details: expect.objectContaining({
          backchannel_notified: 'tracker',
          backchannel_failed: '',
        }),
      }),
    );
  });

  it('does not retry a tool that refused the logout token with a 4xx', async () => {
    const rig = setup([link({ clientId: 'tracker' })]);
    rig.trackerLogout.mockRejectedValue(refused(400));
    jest.spyOn(Logger.prototype, 'warn').mockImplementationOnce(() => undefined);
    await rig.service.endFor('all');
    expect(rig.trackerLogout).toHaveBeenCalledTimes(1);
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        details: expect.objectContaining({
          backchannel_notified: '',
          backchannel_failed: 'tracker: HTTP 400 after 1 attempt(s)',
        }),
      }),
    );
  });

  it('begin() ends the grants before the deliveries finish, so a slow tool delays no one', async () => {
    const rig = setup([link({ clientId: 'tracker' })]);
    let answer!: () => void;
    rig.trackerLogout.mockReturnValue(
      new Promise<undefined>((resolve) => (answer = () => resolve(undefined))),
    );
    const { ended, notified } = await rig.service.begin('all');
    expect(ended).toBe(1);
    expect(rig.payloads.destroyByGrant).toHaveBeenCalledWith(GRANT_BOUND_MODELS, 'grant-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(rig.audit.record).not.toHaveBeenCalled();
    answer();
    await notified;
    expect(rig.audit.record).toHaveBeenCalled();
  });

  it('at shutdown, a delivery waiting to retry makes its last attempt at once and the audit row is written', async () => {
    const rig = setup([link({ clientId: 'tracker' })]);
    rig.service.retryDelays = [3_600_000];
    rig.trackerLogout.mockRejectedValue(refused(503));
    jest.spyOn(Logger.prototype, 'warn').mockImplementationOnce(() => undefined);
    const ending = rig.service.endFor('all');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await rig.service.beforeApplicationShutdown();
    await ending;
    expect(rig.trackerLogout).toHaveBeenCalledTimes(2);
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        details: expect.objectContaining({
          backchannel_failed: 'tracker: HTTP 503 after 2 attempt(s)',
        }),
      }),
    );
  });

  it('audits one logout per provider session, and none for grants that never had one', async () => {
    const rig = setup([
      link(),
      link({ grantId: 'grant-2', providerSessionUid: 'uid-2', userId: 'u-2' }),
      link({ grantId: 'grant-3', providerSessionUid: null }),
    ]);
    expect(await rig.service.endFor('all')).toBe(3);
    expect(rig.audit.record).toHaveBeenCalledTimes(2);
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ resourceId: 'uid-2', actorUserId: 'u-2' }),
    );
    // The provider no longer knows uid-2: there is no session of its to delete, and no sid to send.
    expect(rig.payloads.destroySessionByUid).toHaveBeenCalledTimes(1);
    expect(rig.backchannelLogout).toHaveBeenCalledWith('u-2', undefined);
  });
});

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
function rpLogout(rig: ReturnType<typeof setup>) {
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
    const rig = setup([link(), link({ grantId: 'grant-2', aegisSessionId: 's-2' }), link()]);
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
    const rig = setup();
    await rpLogout(rig)(logoutContext(overrides), status);
    expect(rig.sessions.revoke).not.toHaveBeenCalled();
    expect(rig.audit.record).not.toHaveBeenCalled();
  });

  it('writes nothing when no tool is signed in through that provider session', async () => {
    const rig = setup([]);
    await rpLogout(rig)(logoutContext(), 303);
    expect(rig.unitOfWork.run).not.toHaveBeenCalled();
    expect(rig.audit.record).not.toHaveBeenCalled();
  });
});

describe('ProviderSessionEnder on ended sessions', () => {
  it('ends the provider side whenever the sessions feature publishes ended sessions', async () => {
    const rig = setup();
    await rig.service.sessionsEnded({ userId: 'u-1' });
    expect(rig.links.findOpen).toHaveBeenCalledWith({ userId: 'u-1' });
    expect(rig.payloads.destroyByGrant).toHaveBeenCalled();
  });

  it('installs the logout hook and the revocation audit around every provider request', () => {
    const rig = setup();
    rig.service.onModuleInit();
    expect(rig.providers.use).toHaveBeenCalledTimes(2);
  });
});
