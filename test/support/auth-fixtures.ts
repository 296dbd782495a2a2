import type { TokenGrant } from '../../src/auth/session-grants.service';
import { Clock } from '../../src/common/clock';
import type { PrincipalAccount } from '../../src/common/access/principal';
import { Role } from '../../src/common/access/role';
import { AuthError } from '../../src/auth/auth.error';
import { Session } from '../../src/sessions/entities/session.entity';
import { User } from '../../src/users/entities/user.entity';

/** Shared by the auth unit specs: one user, one session, a frozen clock. */
export const META = { ip: '198.51.100.4', userAgent: 'spec', requestId: 'req-9' };
export const NOW = new Date('2026-11-27T12:00:00Z');

/** The session a login opens in the login specs (SessionGrantsService.login's answer). */
export const GRANT: TokenGrant = {
  sessionId: 's-1',
  accessToken: 'jwt',
  expiresIn: 300,
  refreshExpiresIn: 3600,
};

export function user(overrides: Partial<User> = {}): User {
  return Object.assign(new User(), {
    id: 'u-1',
    username: 'alice',
    displayName: null,
    passwordHash: 'stored-hash',
    role: Role.User,
    isActive: true,
    mustChangePassword: false,
    passwordChangedAt: NOW,
    lastSignInAt: null,
    lastSignInIp: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  });
}

/** The user as an authenticated request sees it: the account and whether it has a confirmed second factor. */
export function account(
  overrides: Partial<User> & { hasSecondFactor?: boolean } = {},
): User & PrincipalAccount {
  return Object.assign(user(), { hasSecondFactor: false, ...overrides });
}

export function session(overrides: Partial<Session> = {}): Session {
  return Object.assign(new Session(), {
    id: 's-1',
    userId: 'u-1',
    absoluteExpiresAt: new Date(NOW.getTime() + 3_600_000),
    idleExpiresAt: new Date(NOW.getTime() + 1_800_000),
    revokedAt: null,
    amr: ['pwd'],
    authTime: NOW,
    ...overrides,
  });
}

export class FrozenClock extends Clock {
  constructor(public current = new Date(NOW)) {
    super();
  }
  override now(): Date {
    return new Date(this.current);
  }
}

/** The code a promise fails with ('no error' when it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}
