import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { RefusalAudit } from '../audit/refusal-audit.service';
import type { AuthMethod } from '../common/access/authentication-method';
import { Clock } from '../common/clock';
import type { RequestMeta } from '../common/http/request-meta';
import { AuthMetrics } from '../metrics/auth-metrics';
import { SessionRevocationReason, type Session } from '../sessions/entities/session.entity';
import { SessionError, SessionErrorCode } from '../sessions/session.error';
import { SessionsService } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';
import { AccessTokenService } from './access-token.service';
import { AuthError, AuthErrorCode } from './auth.error';
import type { VerifiedLogin } from './credential-verification.service';
import { DeviceCookies } from './device-cookies';

/** What a login or refresh hands out; the controller turns it into cookies and a body. */
export interface TokenGrant {
  /** The Aegis session this grant belongs to. */
  sessionId: string;
  accessToken: string;
  expiresIn: number;
  /** Absent when a retired refresh token was accepted inside the grace window: the client keeps its successor. */
  refreshToken?: string;
  /** Seconds until the session's absolute expiry: the refresh cookie's Max-Age. */
  refreshExpiresIn: number;
  /** A new device cookie after a password login (see DeviceCookies). */
  deviceToken?: string;
}

/** Every credential a logout request showed. */
export interface PresentedCredentials {
  accessTokens: string[];
  refreshTokens: string[];
}

/** Opens, renews and ends sessions: login after a verified password, refresh with rotation, logout. */
@Injectable()
export class SessionGrantsService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokenService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly metrics: AuthMetrics,
    private readonly devices: DeviceCookies,
    private readonly refusals: RefusalAudit,
  ) {}

  /**
   * Opens a session for a completed login (in the request's unit of work, with its audit row): `amr` says how
   * the user proved who they are. Called by LoginService, which decides whether a second factor is due.
   */
  async login(
    verified: Pick<VerifiedLogin, 'user' | 'upgradedHash'>,
    meta: RequestMeta,
    amr: AuthMethod[],
  ): Promise<TokenGrant> {
    const { user } = verified;
    // The password was checked before this transaction (hashing holds no lock). If it was changed, reset or the
    // account disabled in between, this login must not open a session the change could no longer revoke.
    const current = await this.users.findByIdForUpdate(user.id);
    if (!current || current.passwordHash !== user.passwordHash || !current.isActive) {
      throw new AuthError(AuthErrorCode.InvalidCredentials);
    }
    if (verified.upgradedHash !== undefined)
      await this.users.upgradePasswordHash(user, verified.upgradedHash);
    const { session, refreshToken } = await this.sessions.start(user.id, meta, amr);
    await this.users.recordSignIn(user.id, meta.ip);
    await this.audit.record({
      action: AuditAction.LoginSuccess,
      outcome: 'success',
      actorUserId: user.id,
      actorUsername: user.username,
      targetUsername: user.username,
      resourceType: 'auth',
      resourceId: user.id,
      details: {
        username: user.username,
        session_id: session.id,
        amr: session.amr.join(' '),
        ...(verified.upgradedHash && { rehashed: true }),
      },
      meta,
    });
    this.metrics.loginAttempted('success');
    return { ...this.grant(session, refreshToken), deviceToken: this.devices.issue(user.id) };
  }

  /**
   * Exchanges a refresh token for a new access token and (normally) a new refresh token. Works with an
   * expired access token: only the refresh token and the session behind it count.
   */
  async refresh(refreshToken: string | undefined, meta: RequestMeta): Promise<TokenGrant> {
    if (refreshToken === undefined || refreshToken === '')
      throw new AuthError(AuthErrorCode.Unauthenticated);
    try {
      return await this.rotate(refreshToken, meta);
    } catch (error) {
      await this.auditRefusal(error, meta);
      throw error;
    }
  }

  /**
   * A refused refresh is audited under the flood rule (a replayed, forged or ended token can be sent at will);
   * reuse of a retired token has its own row, written by the sessions module with the revocation.
   */
  private async auditRefusal(error: unknown, meta: RequestMeta): Promise<void> {
    if (!(error instanceof SessionError || error instanceof AuthError)) return;
    if (error.code === (SessionErrorCode.RefreshTokenReused as string)) return;
    await this.refusals.record({
      action: AuditAction.RefreshRefused,
      reason: error.code.toLowerCase(),
      resourceType: 'session',
      meta,
    });
  }

  private async rotate(refreshToken: string, meta: RequestMeta): Promise<TokenGrant> {
    const { presented, account } = await this.sessions.identifyForRefresh(refreshToken);
    // An ended session says so first: the password-change gate below must not tell the holder of a revoked
    // session's token that an administrator reset the password.
    this.sessions.assertNotEnded(presented.session);
    if (!account || !account.isActive) {
      await this.sessions.revokeIndependently(
        presented.session.id,
        SessionRevocationReason.UserDisabled,
      );
      throw new AuthError(AuthErrorCode.SessionEnded);
    }
    if (account.mustChangePassword) throw new AuthError(AuthErrorCode.PasswordChangeRequired);

    const outcome = await this.sessions.refresh(presented, meta, account.username);
    await this.audit.record({
      action: AuditAction.TokenRefreshed,
      outcome: 'success',
      actorUserId: outcome.session.userId,
      actorUsername: account.username,
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

  private grant(session: Session, refreshToken: string | undefined): TokenGrant {
    const access = this.accessTokens.issue(session);
    const refreshExpiresIn = Math.max(
      0,
      Math.floor((session.absoluteExpiresAt.getTime() - this.clock.now().getTime()) / 1000),
    );
    return {
      sessionId: session.id,
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresIn,
    };
  }
}
