import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { RequestMeta } from '../common/http/request-meta';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { AuthMetrics } from '../metrics/auth-metrics';
import { Session, SessionRevocationReason } from './entities/session.entity';
import {
  hashRefreshToken,
  newRefreshToken,
  sameHash,
  sessionIdOfRefreshToken,
} from './refresh-token';
import { SessionPrincipalRepository, type SessionPrincipal } from './session-principal.repository';
import { decodeSessionCursor, encodeSessionCursor } from './session-cursor';
import type { SessionAccount } from './refresh-rotation';
import { EventBus } from '../events/event-bus';
import { SessionError, SessionErrorCode } from './session.error';
import { SessionsRepository } from './sessions.repository';

export interface StartedSession {
  session: Session;
  refreshToken: string;
}

/** A presented refresh token matched to its session (not yet checked for liveness or reuse). */
export interface PresentedRefreshToken {
  session: Session;
  hash: string;
  /** Set when the token was rotated away more than one rotation ago. */
  retiredAt?: Date;
}

/** A presented refresh token with what a refresh must know of the account behind its session (null: gone). */
export interface PresentedForRefresh {
  presented: PresentedRefreshToken;
  account: SessionAccount | null;
}

export type RefreshOutcome =
  /** The token was current: it is retired and `refreshToken` replaces it. */
  | { kind: 'rotated'; session: Session; refreshToken: string }
  /** The token was retired moments ago by a concurrent refresh (another tab): access only, no new refresh token. */
  | { kind: 'grace'; session: Session };

export interface SessionPageRequest {
  cursor?: string;
  limit: number;
}

export interface SessionPage {
  items: Session[];
  nextCursor: string | null;
}

@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: AuthMetrics,
    private readonly principals: SessionPrincipalRepository,
    private readonly events: EventBus,
  ) {}

  /** Opens a session for a user authenticated by `amr` (see AuthMethod) just now. */
  async start(userId: string, meta: RequestMeta, amr: string[]): Promise<StartedSession> {
    const now = this.clock.now();
    const id = randomUUID();
    const refresh = newRefreshToken(id);
    const absoluteExpiresAt = new Date(now.getTime() + this.config.sessionAbsoluteTtlMs);
    const session = Object.assign(new Session(), {
      id,
      userId,
      refreshTokenHash: refresh.hash,
      previousRefreshTokenHash: null,
      rotatedAt: null,
      createdAt: now,
      lastUsedAt: now,
      idleExpiresAt: this.idleExpiry(now, absoluteExpiresAt),
      absoluteExpiresAt,
      revokedAt: null,
      revokedReason: null,
      amr: [...new Set(amr)],
      authTime: now,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    await this.sessions.insert(session);
    return { session, refreshToken: refresh.token };
  }

  /**
   * A password or factor check on a live session (reauthentication, a factor just enrolled): `auth_time` becomes
   * now and `method` joins its `amr`. False when the session is no longer live.
   */
  async recordAuthentication(
    session: Pick<Session, 'id' | 'amr'>,
    method: string,
  ): Promise<boolean> {
    const amr = [...new Set([...session.amr, method])];
    return this.sessions.recordAuthentication(session.id, amr, this.clock.now());
  }

  /** The live session with this id, or null when it is unknown, revoked or expired right now. */
  async findLive(sessionId: string): Promise<Session | null> {
    const session = await this.sessions.findById(sessionId);
    return session?.isLiveAt(this.clock.now()) ? session : null;
  }

  /** Throws the reason a session can no longer be used (revoked, expired); returns for a live one. */
  assertNotEnded(session: Session): void {
    if (session.revokedAt !== null) throw new SessionError(SessionErrorCode.SessionRevoked);
    if (!session.isLiveAt(this.clock.now()))
      throw new SessionError(SessionErrorCode.SessionExpired);
  }

  /** The session and its user in one read, for the per-request authentication check. */
  findPrincipal(sessionId: string): Promise<SessionPrincipal | null> {
    return this.principals.findBySessionId(sessionId);
  }

  countLive(): Promise<number> {
    return this.sessions.countLive(this.clock.now());
  }

  /** Matches a refresh token to its session by id and current-or-previous hash; anything else is invalid. */
  async identify(refreshToken: string): Promise<PresentedRefreshToken> {
    const sessionId = sessionIdOfRefreshToken(refreshToken);
    const session = sessionId ? await this.sessions.findById(sessionId) : null;
    return this.match(refreshToken, session);
  }

  /** As identify, with the account behind the session read in the same statement (a refresh needs both). */
  async identifyForRefresh(refreshToken: string): Promise<PresentedForRefresh> {
    const sessionId = sessionIdOfRefreshToken(refreshToken);
    const found = sessionId ? await this.sessions.findWithAccount(sessionId) : null;
    const presented = await this.match(refreshToken, found?.session ?? null);
    return { presented, account: found?.account ?? null };
  }

  private async match(
    refreshToken: string,
    session: Session | null,
  ): Promise<PresentedRefreshToken> {
    const hash = hashRefreshToken(refreshToken);
    if (!session) throw new SessionError(SessionErrorCode.InvalidRefreshToken);
    if (
      sameHash(session.refreshTokenHash, hash) ||
      sameHash(session.previousRefreshTokenHash, hash)
    ) {
      return { session, hash };
    }
    // An older token of this session: proof of possession of a retired token (a bare session id proves nothing).
    const retired = await this.sessions.findRetired(hash);
    if (retired?.sessionId !== session.id)
      throw new SessionError(SessionErrorCode.InvalidRefreshToken);
    return { session, hash, retiredAt: retired.retiredAt };
  }

  /**
   * Rotates the refresh token. The conditional UPDATE decides; only when it matched nothing do we look at
   * why: ended session, or a retired token inside the grace window (two tabs racing), or after it (theft:
   * the whole session is revoked and audited, and that survives this request's failure).
   */
  /** `username` names the account in the audit row of a detected reuse. */
  async refresh(
    presented: PresentedRefreshToken,
    meta: RequestMeta,
    username: string | null = null,
  ): Promise<RefreshOutcome> {
    const now = this.clock.now();
    const { session, hash } = presented;
    const successor = newRefreshToken(session.id);
    const idleExpiresAt = this.idleExpiry(now, session.absoluteExpiresAt);
    const rotated = await this.sessions.rotate({
      sessionId: session.id,
      presentedHash: hash,
      newHash: successor.hash,
      now,
      idleExpiresAt,
    });
    if (rotated) {
      await this.sessions.retire(session.id, hash, now);
      Object.assign(session, {
        refreshTokenHash: successor.hash,
        previousRefreshTokenHash: hash,
        rotatedAt: now,
        lastUsedAt: now,
        idleExpiresAt,
      });
      return { kind: 'rotated', session, refreshToken: successor.token };
    }

    const current = (await this.sessions.findById(session.id)) ?? session;
    if (current.revokedAt !== null) throw new SessionError(SessionErrorCode.SessionRevoked);
    if (!current.isLiveAt(now)) throw new SessionError(SessionErrorCode.SessionExpired);
    const retiredAt = sameHash(current.previousRefreshTokenHash, hash)
      ? current.rotatedAt
      : (presented.retiredAt ?? null);
    if (retiredAt !== null) {
      if (now.getTime() - retiredAt.getTime() < this.config.refreshReuseGraceMs) {
        return { kind: 'grace', session: current };
      }
      await this.unitOfWork.runIndependently(async () => {
        await this.sessions.revoke(current.id, SessionRevocationReason.RefreshTokenReused, now);
        this.events.publishAfterCommit('session.ended', { sessionIds: [current.id] });
        await this.audit.record({
          action: AuditAction.RefreshTokenReused,
          outcome: 'failure',
          actorUserId: current.userId,
          actorUsername: username,
          resourceType: 'session',
          resourceId: current.id,
          details: { retired_at: retiredAt.toISOString(), session_revoked: true },
          meta,
        });
      });
      this.metrics.refreshTokenReuseDetected();
      throw new SessionError(SessionErrorCode.RefreshTokenReused);
    }
    throw new SessionError(SessionErrorCode.InvalidRefreshToken);
  }

  /** Moves each session's `last_used_at` forward to its latest use (see SessionUseRecorder). */
  recordUse(uses: ReadonlyArray<{ id: string; at: Date }>): Promise<number> {
    return this.sessions.recordUse(uses);
  }

  /** One page of the user's live sessions, newest first; `cursor` is the previous page's next cursor. */
  async listLive(userId: string, page: SessionPageRequest): Promise<SessionPage> {
    const items = await this.sessions.findLivePageForUser(userId, this.clock.now(), {
      after: page.cursor === undefined ? undefined : decodeSessionCursor(page.cursor),
      limit: page.limit + 1,
    });
    const hasMore = items.length > page.limit;
    const shown = hasMore ? items.slice(0, page.limit) : items;
    return {
      items: shown,
      nextCursor: hasMore ? encodeSessionCursor(shown[shown.length - 1]) : null,
    };
  }

  /** Ends a live session only if it belongs to `userId` (false otherwise: callers answer 404). */
  async revokeOfUser(
    userId: string,
    sessionId: string,
    reason: SessionRevocationReason,
  ): Promise<boolean> {
    const revoked = await this.sessions.revokeLiveOfUser(
      userId,
      sessionId,
      reason,
      this.clock.now(),
    );
    if (revoked) this.events.publishAfterCommit('session.ended', { sessionIds: [sessionId] });
    return revoked;
  }

  /** Deletes rows of sessions that ended more than `keepEndedMs` ago. */
  purgeEnded(keepEndedMs: number): Promise<number> {
    return this.sessions.deleteEndedBefore(new Date(this.clock.now().getTime() - keepEndedMs));
  }

  async revoke(sessionId: string, reason: SessionRevocationReason): Promise<boolean> {
    const revoked = await this.sessions.revoke(sessionId, reason, this.clock.now());
    if (revoked) this.events.publishAfterCommit('session.ended', { sessionIds: [sessionId] });
    return revoked;
  }

  /** Revokes in its own transaction, so it holds even though the request that found the reason fails. */
  revokeIndependently(sessionId: string, reason: SessionRevocationReason): Promise<void> {
    return this.unitOfWork.runIndependently(async () => {
      await this.sessions.revoke(sessionId, reason, this.clock.now());
      this.events.publishAfterCommit('session.ended', { sessionIds: [sessionId] });
    });
  }

  async revokeAllForUser(
    userId: string,
    reason: SessionRevocationReason,
    exceptSessionId?: string,
  ): Promise<number> {
    const revoked = await this.sessions.revokeAllForUser(
      userId,
      reason,
      this.clock.now(),
      exceptSessionId,
    );
    if (revoked > 0) this.events.publishAfterCommit('session.ended', { userId });
    return revoked;
  }

  /**
   * Ends every session of every user (expired ones too: a restored database must not bring one back to life). No
   * `session.ended` notice: the OpenID provider's sweep of ended sessions reaches the linked tools.
   */
  revokeAll(reason: SessionRevocationReason): Promise<number> {
    return this.sessions.revokeAll(reason, this.clock.now());
  }

  private idleExpiry(now: Date, absoluteExpiresAt: Date): Date {
    return new Date(
      Math.min(now.getTime() + this.config.sessionIdleTtlMs, absoluteExpiresAt.getTime()),
    );
  }
}
