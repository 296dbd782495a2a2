import { AuthMethod } from '../../src/common/access/authentication-method';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthCookies } from '../../src/auth/auth-cookies';
import { BrowserSessionService, type BrowserSession } from '../../src/auth/browser-session.service';
import type { GrantedLogin } from '../../src/auth/login/login-outcome';
import { LoginService } from '../../src/auth/login/login.service';
import { SecondFactorStepService } from '../../src/auth/login/second-factor-step.service';
import { Role } from '../../src/common/access/role';
import { Clock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import {
  InteractionFinisher,
  type InteractionDetails,
} from '../../src/oidc/interaction-finisher.service';
import { SessionLinksService } from '../../src/oidc/session-links.service';
import { SignInChallengeCookie } from '../../src/oidc/sign-in-challenge-cookie';
import { SignInForms } from '../../src/oidc/sign-in-forms';
import { SignInService } from '../../src/oidc/sign-in.service';
import { automock } from './automock';
import { FrozenClock, GRANT, NOW, account } from './auth-fixtures';
import { newTestService, provide } from './test-service';

/** The interaction of the hosted sign-in specs, and the challenge token its cookie carries. */
export const UID = 'interaction-1';
export const CHALLENGE_TOKEN = 'challenge-token';
export const ORIGIN = 'https://id.example.com';

/** The provider's view of a sign-in request: a login prompt for a first visit unless a spec says otherwise. */
export function interaction({
  prompt = 'login',
  reasons = ['no_session'],
  params = {},
}: { prompt?: string; reasons?: string[]; params?: Record<string, unknown> } = {}) {
  return {
    uid: UID,
    prompt: { name: prompt, reasons, details: {} },
    params: { client_id: 'the-tool', ...params },
  } as unknown as InteractionDetails;
}

/** A browser request to the hosted sign-in at ORIGIN. */
export const request = () =>
  ({
    headers: { host: 'id.example.com' },
    protocol: 'https',
    cookies: {},
  }) as unknown as FastifyRequest;
export const reply = () => ({}) as FastifyReply;

/** The Aegis session a browser holds: alice's, signed in a minute ago with her password. */
export function browserSession(overrides: Partial<BrowserSession> = {}): BrowserSession {
  return {
    user: account(),
    sessionId: 's-old',
    authenticatedAt: new Date(NOW.getTime() - 60_000),
    amr: [AuthMethod.Password],
    ...overrides,
  };
}

/** A login step that opened session s-1 (GRANT) for alice. */
export function granted(overrides: Partial<GrantedLogin> = {}): GrantedLogin {
  return {
    kind: 'granted',
    grant: GRANT,
    client: 'browser',
    challengeAnswered: false,
    userId: 'u-1',
    amr: [AuthMethod.Password],
    ...overrides,
  };
}

/**
 * SignInService with the real forms (so a spec reads the page the browser gets) over a double of the
 * provider's side, whose `finish` answers with the redirect back into the provider. Administrators need a
 * second factor (MFA_REQUIRED_ROLES=admin); the browser holds no Aegis session and the challenge cookie of UID.
 */
export function signInService() {
  const interactions = automock(InteractionFinisher);
  interactions.clientName.mockResolvedValue('The Tool');
  interactions.finish.mockResolvedValue({ redirect: '/oidc/auth/resume' });
  const { service, double } = newTestService(
    SignInService,
    provide(Clock, new FrozenClock()),
    provide(AppConfig, { mfa: { requiredRoles: [Role.Admin] } } as AppConfig),
    provide(InteractionFinisher, interactions),
    provide(SignInForms, new SignInForms(interactions)),
  );
  const browser = double(BrowserSessionService);
  browser.recognise.mockResolvedValue(null);
  const logins = double(LoginService);
  logins.hasSecondFactor.mockResolvedValue(false);
  logins.afterPassword.mockResolvedValue(granted());
  const challengeCookie = double(SignInChallengeCookie);
  challengeCookie.read.mockImplementation((_request, uid) =>
    uid === UID ? CHALLENGE_TOKEN : undefined,
  );
  const secondFactorStep = double(SecondFactorStepService);
  secondFactorStep.pending.mockResolvedValue({ user: account(), methods: [] });
  return {
    service,
    interactions,
    browser,
    logins,
    challengeCookie,
    secondFactorStep,
    cookies: double(AuthCookies),
    links: double(SessionLinksService),
  };
}

export type SignInRig = ReturnType<typeof signInService>;

/** What `finish` was told: who signed in, in which session, when and how. */
export const finishedWith = (rig: SignInRig) => rig.interactions.finish.mock.calls[0]?.[4];
