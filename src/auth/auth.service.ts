import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { DomainError } from '../common/errors/domain-error';
import type { RequestMeta } from '../common/http/request-meta';
import { AuthMetrics } from '../metrics/auth-metrics';
import { SessionRevocationReason, type Session } from '../sessions/entities/session.entity';
import { SessionError, SessionNotFoundError } from '../sessions/session.error';
import { SessionsService } from '../sessions/sessions.service';
import type { User } from '../users/entities/user.entity';
import { PasswordPolicy } from '../users/password-policy';
import { UsersService } from '../users/users.service';
import { AccessTokenService, isAccessTokenClaims } from './access-token.service';
import { AuthError, AuthErrorCode } from './auth.error';
import { LoginLockoutService } from './login-lockout.service';
import type { Principal } from './principal';
import { PrincipalRepository } from './principal.repository';

const MAX_AUDITED_USERNAME = 128;
/**
 * Tolerated clock difference between the instance that signed a token and the one checking it
 * (RFC 7519 "small leeway"; at most 60 s by Aegis' own rule).
 */
export const MAX_CLOCK_SKEW_SECONDS = 30;

/** A password check that succeeded, with a stronger hash to store when the old one used weaker parameters. */
export interface VerifiedLogin {
  user: User;
  upgradedHash?: string;
}

/** What a login or refresh hands out; the controller turns it into cookies and a body. */
export interface TokenGrant {
  accessToken: string;
  expiresIn: number;
  /** Absent when a retired refresh token was accepted inside the grace window: the client keeps its successor. */
  refreshToken?: string;
  /** Seconds until the session's absolute expiry: the refresh cookie's Max-Age. */
  refreshExpiresIn: number;
}

/** Every credential a logout request showed. */
export interface PresentedCredentials {
  accessTokens: string[];
  refreshTokens: string[];
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokenService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly lockout: LoginLockoutService,
    private readonly metrics: AuthMetrics,
    private readonly principals: PrincipalRepository,
  ) {}

  /**
   * Checks a username and password (the DTO has already capped the password at 128 code points). The attempt
   * is counted against the account before the check, and refused (429) while the account is locked, even
   * with the right password. An unknown user costs the same: a counted attempt and one full argon2 verify
   * against a dummy hash with the same parameters, so neither timing nor a lockout tells whether an account
   * exists. Failures are audited in their own transaction before the error is thrown.
   */
  async verifyCredentials(
    loginName: string,
    password: string,
    meta: RequestMeta,
  ): Promise<VerifiedLogin> {
    const user = await this.users.findByLoginName(loginName);
    const accountKey = user
      ? LoginLockoutService.keyForUser(user.id)
      : LoginLockoutService.keyForUnknownName(loginName);
    const failure = (reason: string) =>
      this.audit.recordIndependently({
        action: AuditAction.LoginFailed,
        outcome: 'failure',
        actorUserId: user?.id ?? null,
        resourceType: 'auth',
        resourceId: user?.id ?? null,
        details: { username: loginName.slice(0, MAX_AUDITED_USERNAME), reason },
        meta,
      });

    const attempt = await this.lockout.beginAttempt(accountKey);
    if (!attempt.allowed) {
      this.metrics.loginAttempted('throttled');
      await failure('throttled');
      throw new AuthError(AuthErrorCode.AccountThrottled, {
        retryAfterSeconds: attempt.retryAfterSeconds,
      });
    }
    const valid = await this.hasher.verify(user?.passwordHash ?? this.hasher.dummyHash, password);
    if (!user || !valid) {
      this.metrics.loginAttempted('invalid_credentials');
      await failure('invalid_credentials');
      throw new AuthError(AuthErrorCode.InvalidCredentials);
    }
    await this.lockout.succeeded(accountKey);
    if (!user.isActive) {
      this.metrics.loginAttempted('account_disabled');
      await failure('account_disabled');
      throw new AuthError(AuthErrorCode.AccountDisabled);
    }
    const upgradedHash = this.hasher.needsRehash(user.passwordHash)
      ? await this.hasher.hash(password)
      : undefined;
    return { user, upgradedHash };
  }

  /** Opens a session for a verified login (in the request's unit of work, with its audit row). */
  async login(verified: VerifiedLogin, meta: RequestMeta): Promise<TokenGrant> {
    const { user } = verified;
    // The password was checked before this transaction (hashing holds no lock). If it was changed, reset or the
    // account disabled in between, this login must not open a session the change could no longer revoke.
    const current = await this.users.findByIdForUpdate(user.id);
    if (!current || current.passwordHash !== user.passwordHash || !current.isActive) {
      throw new AuthError(AuthErrorCode.InvalidCredentials);
    }
    if (verified.upgradedHash !== undefined)
      await this.users.upgradePasswordHash(user, verified.upgradedHash);
    const { session, refreshToken } = await this.sessions.start(user.id, meta);
    await this.audit.record({
      action: AuditAction.LoginSuccess,
      outcome: 'success',
      actorUserId: user.id,
      resourceType: 'auth',
      resourceId: user.id,
      details: {
        username: user.username,
        session_id: session.id,
        ...(verified.upgradedHash && { rehashed: true }),
      },
      meta,
    });
    this.metrics.loginAttempted('success');
    return this.grant(session, refreshToken);
  }

  /**
   * Exchanges a refresh token for a new access token and (normally) a new refresh token. Works with an
   * expired access token: only the refresh token and the session behind it count.
   */
  async refresh(refreshToken: string | undefined, meta: RequestMeta): Promise<TokenGrant> {
    if (refreshToken === undefined || refreshToken === '')
      throw new AuthError(AuthErrorCode.Unauthenticated);
    const presented = await this.sessions.identify(refreshToken);
    const user = await this.users.findById(presented.session.userId);
    if (!user || !user.isActive) {
      await this.sessions.revokeIndependently(
        presented.session.id,
        SessionRevocationReason.UserDisabled,
      );
      throw new AuthError(AuthErrorCode.SessionEnded);
    }
    if (user.mustChangePassword) throw new AuthError(AuthErrorCode.PasswordChangeRequired);

    const outcome = await this.sessions.refresh(presented, meta);
    await this.audit.record({
      action: AuditAction.TokenRefreshed,
      outcome: 'success',
      actorUserId: user.id,
      resourceType: 'session',
      resourceId: outcome.session.id,
      details: { rotated: outcome.kind === 'rotated' },
      meta,
    });
    this.metrics.tokenRefreshed(outcome.kind);
    return this.grant(
      outcome.session,
      outcome.kind === 'rotated' ? outcome.refreshToken : undefined,
    );
  }

  /** Ends the session behind every credential shown. Unreadable or foreign credentials are ignored: logout never fails. */
  async logout(credentials: PresentedCredentials, meta: RequestMeta): Promise<void> {
    const sessionIds = new Set<string>();
    for (const token of credentials.accessTokens) {
      const claims = this.accessTokens.readIgnoringExpiry(token);
      if (claims) sessionIds.add(claims.sid);
    }
    for (const token of credentials.refreshTokens) {
      const presented = await this.sessions.identify(token).catch((error: unknown) => {
        if (error instanceof SessionError) return null;
        throw error;
      });
      if (presented) sessionIds.add(presented.session.id);
    }
    for (const sessionId of sessionIds) {
      const session = await this.sessions.findLive(sessionId);
      if (!session || !(await this.sessions.revoke(session.id, SessionRevocationReason.Logout)))
        continue;
      await this.audit.record({
        action: AuditAction.Logout,
        outcome: 'success',
        actorUserId: session.userId,
        resourceType: 'session',
        resourceId: session.id,
        meta,
      });
    }
  }

  /**
   * Turns verified token claims into a principal, from the database as it is now: the session must be live
   * and the user active at this moment, whatever the token says.
   */
  async authenticate(claims: unknown): Promise<Principal> {
    if (!isAccessTokenClaims(claims)) throw new AuthError(AuthErrorCode.InvalidToken);
    const now = this.clock.now().getTime();
    const skew = MAX_CLOCK_SKEW_SECONDS * 1000;
    if (claims.nbf * 1000 > now + skew || claims.iat * 1000 > now + skew)
      throw new AuthError(AuthErrorCode.InvalidToken);
    if (claims.exp * 1000 + skew <= now) throw new AuthError(AuthErrorCode.TokenExpired);
    const found = await this.principals.findBySessionId(claims.sid);
    const session = found?.session.isLiveAt(this.clock.now()) ? found.session : null;
    const user = found?.user;
    if (!session || !user || user.id !== claims.sub || !user.isActive) {
      throw new AuthError(AuthErrorCode.SessionEnded);
    }
    return { user, session };
  }

  /**
   * Changes the caller's password. Every other session of the user ends; the current one goes on.
   * The cheap checks on the new password come first (bad input costs no hashing); the current password is a
   * counted attempt like a login, so a stolen session cannot be used to guess it.
   * A refused attempt is audited and survives the request's failure.
   */
  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    meta: RequestMeta,
  ) {
    const { user, session } = principal;
    const refuse = async (error: DomainError): Promise<never> => {
      await this.audit.recordIndependently({
        action: AuditAction.PasswordChangeFailed,
        outcome: 'failure',
        actorUserId: user.id,
        resourceType: 'user',
        resourceId: user.id,
        details: { reason: error.code.toLowerCase() },
        meta,
      });
      throw error;
    };

    try {
      this.policy.assertAcceptable(newPassword, user.username);
    } catch (error) {
      if (error instanceof DomainError) return refuse(error);
      throw error;
    }
    if (currentPassword.normalize('NFKC') === newPassword.normalize('NFKC')) {
      return refuse(new AuthError(AuthErrorCode.PasswordUnchanged));
    }
    const accountKey = LoginLockoutService.keyForUser(user.id);
    const attempt = await this.lockout.beginAttempt(accountKey);
    if (!attempt.allowed) {
      return refuse(
        new AuthError(AuthErrorCode.AccountThrottled, {
          retryAfterSeconds: attempt.retryAfterSeconds,
        }),
      );
    }
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      return refuse(new AuthError(AuthErrorCode.WrongCurrentPassword));
    }
    await this.lockout.succeeded(accountKey);

    const newHash = await this.hasher.hash(newPassword);
    await this.users.setPasswordHash(user, newHash);
    const revoked = await this.sessions.revokeAllForUser(
      user.id,
      SessionRevocationReason.PasswordChanged,
      session.id,
    );
    await this.audit.record({
      action: AuditAction.PasswordChanged,
      outcome: 'success',
      actorUserId: user.id,
      resourceType: 'user',
      resourceId: user.id,
      details: { other_sessions_revoked: revoked },
      meta,
    });
  }

  listMySessions(principal: Principal): Promise<Session[]> {
    return this.sessions.listLive(principal.user.id);
  }

  /** Ends one of the caller's own sessions; someone else's (or an ended one) is "not found". */
  async endMySession(principal: Principal, sessionId: string, meta: RequestMeta): Promise<void> {
    const { user } = principal;
    if (
      !(await this.sessions.revokeOfUser(user.id, sessionId, SessionRevocationReason.RevokedByUser))
    ) {
      throw new SessionNotFoundError();
    }
    await this.audit.record({
      action: AuditAction.SessionRevoked,
      outcome: 'success',
      actorUserId: user.id,
      resourceType: 'session',
      resourceId: sessionId,
      details: { by: 'self', current: sessionId === principal.session.id },
      meta,
    });
  }

  /** Ends every session of the caller, the current one included. */
  async logoutAll(principal: Principal, meta: RequestMeta): Promise<number> {
    const { user } = principal;
    const revoked = await this.sessions.revokeAllForUser(
      user.id,
      SessionRevocationReason.LogoutAll,
    );
    await this.audit.record({
      action: AuditAction.Logout,
      outcome: 'success',
      actorUserId: user.id,
      resourceType: 'user',
      resourceId: user.id,
      details: { scope: 'all', sessions_revoked: revoked },
      meta,
    });
    return revoked;
  }

  private grant(session: Principal['session'], refreshToken: string | undefined): TokenGrant {
    const access = this.accessTokens.issue(session);
    const refreshExpiresIn = Math.max(
      0,
      Math.floor((session.absoluteExpiresAt.getTime() - this.clock.now().getTime()) / 1000),
    );
    return {
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresIn,
    };
  }
}
