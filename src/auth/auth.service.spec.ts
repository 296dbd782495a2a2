import type { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { AuthMetrics } from '../metrics/auth-metrics';
import type { PasswordHasher } from '../common/crypto/password-hasher';
import { Session } from '../sessions/entities/session.entity';
import { SessionError, SessionErrorCode } from '../sessions/session.error';
import type { SessionsService } from '../sessions/sessions.service';
import { Role, User } from '../users/entities/user.entity';
import { PasswordPolicy } from '../users/password-policy';
import type { UsersService } from '../users/users.service';
import type { AppConfig } from '../config/app-config';
import type { AccessTokenService } from './access-token.service';
import { AuthError, AuthErrorCode } from './auth.error';
import { AuthService } from './auth.service';
import type { PrincipalRepository } from './principal.repository';
import type { LoginLockoutService } from './login-lockout.service';

const META = { ip: '198.51.100.4', userAgent: 'spec', requestId: 'req-9' };
const NOW = new Date('2026-11-27T12:00:00Z');

function user(overrides: Partial<User> = {}): User {
  return Object.assign(new User(), {
    id: 'u-1',
    username: 'alice',
    passwordHash: 'stored-hash',
    role: Role.User,
    isActive: true,
    mustChangePassword: false,
    passwordChangedAt: NOW,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  });
}

function session(overrides: Partial<Session> = {}): Session {
  return Object.assign(new Session(), {
    id: 's-1',
    userId: 'u-1',
    absoluteExpiresAt: new Date(NOW.getTime() + 3_600_000),
    idleExpiresAt: new Date(NOW.getTime() + 1_800_000),
    revokedAt: null,
    ...overrides,
  });
}

function setup() {
  const users = {
    findByLoginName: jest.fn(),
    findById: jest.fn(),
    findByIdForUpdate: jest.fn(),
    upgradePasswordHash: jest.fn(),
    setPasswordHash: jest.fn(),
  };
  const sessions = {
    start: jest.fn(async () => ({ session: session(), refreshToken: 's-1.secret' })),
    findLive: jest.fn(),
    identify: jest.fn(),
    refresh: jest.fn(),
    revoke: jest.fn(async () => true),
    revokeIndependently: jest.fn(),
    revokeAllForUser: jest.fn(async () => 2),
  };
  const hasher = {
    dummyHash: 'dummy-hash',
    verify: jest.fn(async () => false),
    hash: jest.fn(async (password: string) => `hash(${password})`),
    needsRehash: jest.fn(() => false),
  };
  const audit = {
    record: jest.fn(async () => undefined),
    recordIndependently: jest.fn(async () => undefined),
  };
  const accessTokens = {
    issue: jest.fn(() => ({ token: 'jwt', expiresIn: 300 })),
    readIgnoringExpiry: jest.fn(),
  };
  const lockout = {
    beginAttempt: jest.fn(
      async (): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> => ({
        allowed: true,
      }),
    ),
    succeeded: jest.fn(async () => undefined),
  };
  const principals = { findBySessionId: jest.fn() };
  const clock = new (class extends Clock {
    override now() {
      return new Date(NOW);
    }
  })();
  const service = new AuthService(
    users as unknown as UsersService,
    sessions as unknown as SessionsService,
    accessTokens as unknown as AccessTokenService,
    hasher as unknown as PasswordHasher,
    new PasswordPolicy({ passwordMinLength: 15 } as AppConfig),
    audit as unknown as AuditService,
    clock,
    lockout as unknown as LoginLockoutService,
    new AuthMetrics(),
    principals as unknown as PrincipalRepository,
  );
  return { users, sessions, hasher, audit, accessTokens, lockout, principals, service };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}

describe('AuthService.verifyCredentials', () => {
  it('verifies an unknown user against the dummy hash, audits, and says only "invalid credentials"', async () => {
    const { service, users, hasher, audit } = setup();
    users.findByLoginName.mockResolvedValue(null);
    expect(await codeOf(service.verifyCredentials('ghost', 'pw', META))).toBe(
      AuthErrorCode.InvalidCredentials,
    );
    expect(hasher.verify).toHaveBeenCalledWith('dummy-hash', 'pw');
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'LOGIN_FAILED',
        actorUserId: null,
        details: { username: 'ghost', reason: 'invalid_credentials' },
        meta: META,
      }),
    );
  });

  it('does not reveal that an account is disabled to someone without its password', async () => {
    const { service, users } = setup();
    users.findByLoginName.mockResolvedValue(user({ isActive: false }));
    expect(await codeOf(service.verifyCredentials('alice', 'wrong', META))).toBe(
      AuthErrorCode.InvalidCredentials,
    );
  });

  it('refuses a disabled account with the right password as ACCOUNT_DISABLED, audited', async () => {
    const { service, users, hasher, audit } = setup();
    users.findByLoginName.mockResolvedValue(user({ isActive: false }));
    hasher.verify.mockResolvedValue(true);
    expect(await codeOf(service.verifyCredentials('alice', 'right', META))).toBe(
      AuthErrorCode.AccountDisabled,
    );
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'account_disabled' }) }),
    );
  });

  it('counts the attempt against the account before checking the password, and resets it on success', async () => {
    const { service, users, hasher, lockout } = setup();
    users.findByLoginName.mockResolvedValue(user());
    hasher.verify.mockResolvedValue(true);
    await service.verifyCredentials('alice', 'right', META);
    expect(lockout.beginAttempt).toHaveBeenCalledWith('u:u-1');
    expect(lockout.beginAttempt.mock.invocationCallOrder[0]).toBeLessThan(
      hasher.verify.mock.invocationCallOrder[0],
    );
    expect(lockout.succeeded).toHaveBeenCalledWith('u:u-1');
  });

  it('keeps a failed attempt counted, for unknown names too (under the name, not an account)', async () => {
    const { service, users, lockout } = setup();
    users.findByLoginName.mockResolvedValue(null);
    await codeOf(service.verifyCredentials('Ghost', 'pw', META));
    await codeOf(service.verifyCredentials('ＧＨＯＳＴ', 'pw', META));
    const [[first], [second]] = lockout.beginAttempt.mock.calls as unknown as string[][];
    expect(first).toMatch(/^n:[0-9a-f]{64}$/);
    expect(second).toBe(first); // one name, however it is typed
    expect(lockout.succeeded).not.toHaveBeenCalled();
  });

  it('refuses a locked account with ACCOUNT_THROTTLED before any hashing, even with the right password', async () => {
    const { service, users, hasher, audit, lockout } = setup();
    users.findByLoginName.mockResolvedValue(user());
    hasher.verify.mockResolvedValue(true);
    lockout.beginAttempt.mockResolvedValue({ allowed: false, retryAfterSeconds: 30 });
    const error = (await service
      .verifyCredentials('alice', 'right', META)
      .catch((caught: unknown) => caught)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe(AuthErrorCode.AccountThrottled);
    expect(error.options.retryAfterSeconds).toBe(30);
    expect(hasher.verify).not.toHaveBeenCalled();
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'LOGIN_FAILED',
        actorUserId: 'u-1',
        details: { username: 'alice', reason: 'throttled' },
      }),
    );
  });

  it('returns a stronger hash when the stored one is weaker than configured', async () => {
    const { service, users, hasher } = setup();
    users.findByLoginName.mockResolvedValue(user());
    hasher.verify.mockResolvedValue(true);
    hasher.needsRehash.mockReturnValue(true);
    const verified = await service.verifyCredentials('alice', 'right password', META);
    expect(verified.upgradedHash).toBe('hash(right password)');
  });
});

describe('AuthService.authenticate', () => {
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
    const { service, principals } = setup();
    principals.findBySessionId.mockResolvedValue({ session: session(), user: user() });
    await expect(service.authenticate(claims)).resolves.toMatchObject({
      user: { id: 'u-1' },
      session: { id: 's-1' },
    });
  });

  it('tolerates 30 s of clock skew between instances, and no more', async () => {
    const { service, principals } = setup();
    principals.findBySessionId.mockResolvedValue({ session: session(), user: user() });
    const skewed = { ...claims, iat: now + 29, nbf: now + 29, exp: now - 29 };
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
  ])('refuses %s', async (_label, tokenClaims, code) => {
    const { service, principals } = setup();
    principals.findBySessionId.mockResolvedValue({ session: session(), user: user() });
    expect(await codeOf(service.authenticate(tokenClaims))).toBe(code);
  });

  it.each([
    ['the session is unknown (or its user was deleted)', () => null],
    ['the session was revoked', () => ({ session: session({ revokedAt: NOW }), user: user() })],
    [
      'the session is idle-expired',
      () => ({ session: session({ idleExpiresAt: NOW }), user: user() }),
    ],
    ['the user is disabled', () => ({ session: session(), user: user({ isActive: false }) })],
    [
      "the token's subject is not the session's user",
      () => ({ session: session({ userId: 'u-2' }), user: user({ id: 'u-2' }) }),
    ],
  ])('refuses when %s', async (_label, found) => {
    const { service, principals } = setup();
    principals.findBySessionId.mockResolvedValue(found());
    expect(await codeOf(service.authenticate(claims))).toBe(AuthErrorCode.SessionEnded);
  });
});

describe('AuthService.changePassword', () => {
  const principal = () => ({ user: user(), session: session() });

  it('stores the new hash, revokes every other session, and audits in the unit of work', async () => {
    const { service, hasher, users, sessions, audit } = setup();
    hasher.verify.mockResolvedValue(true);
    const p = principal();
    await service.changePassword(p, 'current password', 'a long new passphrase', META);
    expect(users.setPasswordHash).toHaveBeenCalledWith(p.user, 'hash(a long new passphrase)');
    expect(sessions.revokeAllForUser).toHaveBeenCalledWith('u-1', 'password_changed', 's-1');
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'PASSWORD_CHANGED',
        details: { other_sessions_revoked: 2 },
      }),
    );
  });

  it('refuses a wrong current password, counted against the account and audited independently, changing nothing', async () => {
    const { service, users, audit, lockout } = setup();
    expect(
      await codeOf(service.changePassword(principal(), 'wrong', 'a long new passphrase', META)),
    ).toBe(AuthErrorCode.WrongCurrentPassword);
    expect(users.setPasswordHash).not.toHaveBeenCalled();
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'PASSWORD_CHANGE_FAILED',
        details: { reason: 'wrong_current_password' },
      }),
    );
    expect(lockout.beginAttempt).toHaveBeenCalledWith('u:u-1');
    expect(lockout.succeeded).not.toHaveBeenCalled();
  });

  it('refuses while the account is locked, without checking the current password', async () => {
    const { service, hasher, users, audit, lockout } = setup();
    hasher.verify.mockResolvedValue(true);
    lockout.beginAttempt.mockResolvedValue({ allowed: false, retryAfterSeconds: 60 });
    expect(
      await codeOf(service.changePassword(principal(), 'current', 'a long new passphrase', META)),
    ).toBe(AuthErrorCode.AccountThrottled);
    expect(hasher.verify).not.toHaveBeenCalled();
    expect(users.setPasswordHash).not.toHaveBeenCalled();
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({ details: { reason: 'account_throttled' } }),
    );
  });

  it('refuses a new password that breaks the policy, naming the rule, before any hashing or counting', async () => {
    const { service, hasher, users, lockout } = setup();
    hasher.verify.mockResolvedValue(true);
    expect(await codeOf(service.changePassword(principal(), 'current', 'short', META))).toBe(
      'PASSWORD_TOO_SHORT',
    );
    expect(users.setPasswordHash).not.toHaveBeenCalled();
    expect(hasher.verify).not.toHaveBeenCalled();
    expect(lockout.beginAttempt).not.toHaveBeenCalled();
  });
});

describe('AuthService.logout', () => {
  it('revokes each distinct session shown once, ignoring unreadable credentials', async () => {
    const { service, accessTokens, sessions, audit } = setup();
    accessTokens.readIgnoringExpiry.mockImplementation((token: string) =>
      token === 'good' ? { sub: 'u-1', sid: 's-1', jti: 'j', iat: 1, exp: 2 } : null,
    );
    sessions.findLive.mockResolvedValue(session());
    sessions.identify.mockRejectedValue(new SessionError(SessionErrorCode.InvalidRefreshToken));
    await service.logout(
      { accessTokens: ['good', 'good', 'garbage'], refreshTokens: ['forged'] },
      META,
    );
    expect(sessions.revoke).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'LOGOUT', resourceId: 's-1' }),
    );
  });
});
