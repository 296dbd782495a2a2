import { UnitOfWork } from '../database/unit-of-work';
import { AuthMetrics } from '../metrics/auth-metrics';
import { LivePrincipals } from '../sessions/principal-cache/live-principals';
import { PrincipalCache } from '../sessions/principal-cache/principal-cache';
import { PrincipalCacheFeed } from '../sessions/principal-cache/principal-cache-feed';
import { SessionPrincipalRepository } from '../sessions/session-principal.repository';
import { SessionUseRecorder } from '../sessions/session-use/session-use-recorder';
import { automock } from '../../test/support/automock';
import { account, codeOf, FrozenClock, NOW, session } from '../../test/support/auth-fixtures';
import { AuthErrorCode } from './auth.error';
import { RequestAuthenticator } from './request-authenticator.service';

/** The real principal check over a mocked statement, with the cache off (its own spec covers it). */
function setup() {
  const sessions = automock(SessionPrincipalRepository);
  sessions.findBySessionId.mockResolvedValue({ session: session(), user: account() });
  const unitOfWork = automock(UnitOfWork);
  unitOfWork.isActive.mockReturnValue(false);
  const principals = new LivePrincipals(
    new PrincipalCache(0, 0),
    automock(PrincipalCacheFeed),
    sessions,
    unitOfWork,
    new AuthMetrics(),
    automock(SessionUseRecorder),
  );
  const service = new RequestAuthenticator(principals, new FrozenClock());
  return { sessions, service };
}

describe('RequestAuthenticator.authenticate', () => {
  const now = NOW.getTime() / 1000;
  const claims = {
    iss: 'aegis',
    aud: 'aegis',
    sub: 'u-1',
    sid: 's-1',
    jti: 'j',
    iat: now,
    nbf: now,
    exp: now + 60,
  };
  const without = (name: keyof typeof claims) =>
    Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));

  it('returns the principal from the database when session and user are live', async () => {
    const { service, sessions } = setup();
    await expect(service.authenticate(claims)).resolves.toMatchObject({
      user: { id: 'u-1' },
      session: { id: 's-1' },
    });
    expect(sessions.findBySessionId).toHaveBeenCalledWith('s-1');
  });

  it('tolerates 30 s of clock skew between instances, and no more', async () => {
    const { service } = setup();
    const skewed = { ...claims, iat: now + 30, nbf: now + 30, exp: now - 29 };
    await expect(service.authenticate(skewed)).resolves.toBeDefined();
  });

  it.each<[string, object, AuthErrorCode]>([
    ['an expired token', { ...claims, exp: now - 30 }, AuthErrorCode.TokenExpired],
    ['a token not valid yet', { ...claims, nbf: now + 31 }, AuthErrorCode.InvalidToken],
    ['a token issued in the future', { ...claims, iat: now + 31 }, AuthErrorCode.InvalidToken],
    ['a fractional time claim', { ...claims, exp: now + 60.5 }, AuthErrorCode.InvalidToken],
    ...(['iss', 'aud', 'sub', 'sid', 'jti', 'iat', 'nbf', 'exp'] as const).map(
      (name): [string, object, AuthErrorCode] => [
        `claims missing ${name}`,
        without(name),
        AuthErrorCode.InvalidToken,
      ],
    ),
    ['an empty sid', { ...claims, sid: '' }, AuthErrorCode.InvalidToken],
    ['an empty sub', { ...claims, sub: '' }, AuthErrorCode.InvalidToken],
    ['an empty jti', { ...claims, jti: '' }, AuthErrorCode.InvalidToken],
    ['a numeric audience', { ...claims, aud: 7 }, AuthErrorCode.InvalidToken],
    ['no claims at all', null as unknown as object, AuthErrorCode.InvalidToken],
  ])('refuses %s without reading the database', async (_label, tokenClaims, code) => {
    const { service, sessions } = setup();
    expect(await codeOf(service.authenticate(tokenClaims))).toBe(code);
    expect(sessions.findBySessionId).not.toHaveBeenCalled();
  });

  it('accepts an audience given as a list', async () => {
    const { service } = setup();
    await expect(service.authenticate({ ...claims, aud: ['aegis'] })).resolves.toBeDefined();
  });

  it.each([
    ['the session is unknown (or its user was deleted)', () => null],
    ['the session was revoked', () => ({ session: session({ revokedAt: NOW }), user: account() })],
    [
      'the session is idle-expired',
      () => ({ session: session({ idleExpiresAt: NOW }), user: account() }),
    ],
    [
      'the session reached its absolute expiry',
      () => ({ session: session({ absoluteExpiresAt: NOW }), user: account() }),
    ],
    ['the user is disabled', () => ({ session: session(), user: account({ isActive: false }) })],
    [
      "the token's subject is not the session's user",
      () => ({ session: session({ userId: 'u-2' }), user: account({ id: 'u-2' }) }),
    ],
  ])('refuses when %s', async (_label, found) => {
    const { service, sessions } = setup();
    sessions.findBySessionId.mockResolvedValue(found());
    expect(await codeOf(service.authenticate(claims))).toBe(AuthErrorCode.SessionEnded);
  });
});
