import { FrozenClock, NOW, session } from '../../test/support/auth-fixtures';
import { newTestService, provide } from '../../test/support/test-service';
import { Clock } from '../common/clock';
import type { PrincipalAccount } from '../common/access/principal';
import { UnitOfWork } from '../database/unit-of-work';
import { SessionsService } from '../sessions/sessions.service';
import { OidcSessionLink } from './entities/oidc-session-link.entity';
import { SessionLinksRepository } from './session-links.repository';
import { SessionLinksService } from './session-links.service';

const USER: PrincipalAccount = {
  id: 'user-1',
  username: 'alice',
  displayName: null,
  role: 'user' as PrincipalAccount['role'],
  isActive: true,
  mustChangePassword: false,
  createdAt: NOW,
  hasSecondFactor: false,
};

function link(overrides: Partial<OidcSessionLink> = {}): OidcSessionLink {
  return Object.assign(new OidcSessionLink(), {
    grantId: 'grant-1',
    clientId: 'client-1',
    userId: USER.id,
    aegisSessionId: 'session-1',
    providerSessionUid: 'uid-1',
    createdAt: NOW,
    endedAt: null,
    ...overrides,
  });
}

function setup(found: {
  link: OidcSessionLink | null;
  user?: Partial<PrincipalAccount>;
  live?: boolean;
}) {
  const { service, double } = newTestService(
    SessionLinksService,
    provide(Clock, new FrozenClock(NOW)),
  );
  const links = double(SessionLinksRepository);
  links.findByGrant.mockResolvedValue(found.link);
  links.findOpenByProviderSession.mockResolvedValue(found.link ? [found.link] : []);
  const live = found.live ?? true;
  double(SessionsService).findPrincipal.mockResolvedValue({
    session: session({
      id: 'session-1',
      userId: USER.id,
      ...(live ? {} : { revokedAt: NOW }),
    }),
    user: { ...USER, ...found.user },
  });
  double(UnitOfWork).join.mockImplementation((work) => work());
  return service;
}

describe('SessionLinksService: a grant lives only as long as its Aegis session', () => {
  it('is live while the session is live and the user active', async () => {
    expect(await setup({ link: link() }).isGrantLive('grant-1')).toBe(true);
    expect(await setup({ link: link() }).liveAegisSessionOf('uid-1')).toEqual({
      sessionId: 'session-1',
      userId: USER.id,
    });
  });

  it.each([
    ['no link (a grant Aegis did not make)', { link: null }],
    ['a link already ended', { link: link({ endedAt: NOW }) }],
    ['a revoked session', { link: link(), live: false }],
    ['a disabled user', { link: link(), user: { isActive: false } }],
    ['a session of another user', { link: link(), user: { id: 'user-2' } }],
  ])('is not live with %s', async (_label, found) => {
    expect(await setup(found).isGrantLive('grant-1')).toBe(false);
  });

  it('finds no live Aegis session behind a provider session whose session ended', async () => {
    expect(await setup({ link: link(), live: false }).liveAegisSessionOf('uid-1')).toBeNull();
  });
});
