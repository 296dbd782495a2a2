import type Provider from 'oidc-provider';
import { AuditService } from '../../src/audit/audit.service';
import { Clock } from '../../src/common/clock';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { SessionsService } from '../../src/sessions/sessions.service';
import { FrozenClock, NOW } from './auth-fixtures';
import { newTestService, provide } from './test-service';
import { OidcSessionLink } from '../../src/oidc/entities/oidc-session-link.entity';
import { OidcPayloadRepository } from '../../src/oidc/oidc-payload.repository';
import { OidcProviderService } from '../../src/oidc/oidc-provider.service';
import { ProviderSessionEnder } from '../../src/oidc/provider-session-ender.service';
import { SessionLinksRepository } from '../../src/oidc/session-links.repository';
import { SessionLinksService } from '../../src/oidc/session-links.service';

export const link = (overrides: Partial<OidcSessionLink> = {}): OidcSessionLink =>
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

/** ProviderSessionEnder with doubles for the rest: `open` are the links still open, no grant is live. */
export function providerSessionEnder(open: OidcSessionLink[] = [link()]) {
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

export type ProviderSessionEnderRig = ReturnType<typeof providerSessionEnder>;
