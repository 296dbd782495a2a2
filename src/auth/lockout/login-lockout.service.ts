import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuditAction } from '../../audit/audit-action';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import type { PrincipalUser } from '../../common/access/principal';
import type { RequestMeta } from '../../common/http/request-meta';
import { AppConfig } from '../../config/app-config';
import { UnitOfWork } from '../../database/unit-of-work';
import { foldUsername } from '../../users/username';
import { UserError, UserErrorCode } from '../../users/user.error';
import { UsersService } from '../../users/users.service';
import { LoginLockoutRepository, type LockoutPolicy } from './login-lockout.repository';

/** The first lock lasts 30 s; every further failure doubles it, up to an hour (never permanent). */
export const LOCKOUT_BASE_MS = 30_000;
export const LOCKOUT_CAP_MS = 3_600_000;
/** A password check takes well under a second; one "in flight" for longer belongs to a process that died. */
const IN_FLIGHT_STALE_MS = 30_000;
/** How long an attempt waits for checks in flight to decide before it is refused, and how often it looks. */
const IN_FLIGHT_WAIT_MS = 10_000;
const IN_FLIGHT_POLL_MS = 20;

export type AttemptOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Per-account backoff on password checks (login and change-password's current password), beside the per-IP
 * limit: after LOGIN_MAX_FAILURES consecutive failures the account is refused for 30 s, doubling per further
 * failure up to 1 h; a success resets it. The counter is charged before the password is checked, in the
 * database, so parallel guesses cannot get more checks than allowed (Zitadel GHSA-7h8m-vrxx-vr4m), and on
 * every instance at once.
 */
@Injectable()
export class LoginLockoutService {
  private readonly policy: LockoutPolicy;

  constructor(
    private readonly lockouts: LoginLockoutRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.policy = {
      maxFailures: config.loginMaxFailures,
      baseMs: LOCKOUT_BASE_MS,
      capMs: LOCKOUT_CAP_MS,
      staleMs: IN_FLIGHT_STALE_MS,
    };
  }

  static keyForUser(userId: string): string {
    return `u:${userId}`;
  }

  /** Attempts from a browser that holds a valid device cookie for the account: a budget of its own. */
  static keyForDevice(userId: string, deviceId: string): string {
    return `d:${userId}:${deviceId}`;
  }

  /**
   * Names no account has are counted too, under their canonical form: otherwise only real accounts would
   * ever answer 429, and the lockout would tell which accounts exist. The form is the one login matches
   * accounts by (full case folding: `Straße`, `STRASSE` and `strasse` are one account, so one budget);
   * lower case alone would give each spelling of an unknown name a budget of its own, and an exhausted
   * `straße` followed by a fresh `strasse` would tell an existing account (one shared budget) apart.
   */
  static keyForUnknownName(loginName: string): string {
    const canonical = foldUsername(loginName);
    return `n:${createHash('sha256').update(canonical).digest('hex')}`;
  }

  /**
   * Reserves one password check for the account before it happens, committed at once (it must hold even if
   * the request fails). While the failure budget is full only because other checks are still running, waits
   * for their verdict instead of refusing: right passwords in parallel are never refused, and parallel wrong
   * guesses still get no more than the budget. Call it before the request's unit of work opens its
   * transaction; report the verdict with {@link failed} or {@link succeeded}.
   */
  async beginAttempt(accountKey: string): Promise<AttemptOutcome> {
    const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
    for (;;) {
      const nowMs = this.clock.now().getTime();
      const reservation = await this.unitOfWork.runStatementsSeparately(() =>
        this.lockouts.reserve(accountKey, nowMs, this.policy),
      );
      if (reservation.allowed) return { allowed: true };
      if (reservation.lockedUntilMs !== null) {
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((reservation.lockedUntilMs - nowMs) / 1000)),
        };
      }
      if (Date.now() >= deadline) return { allowed: false, retryAfterSeconds: 1 };
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_POLL_MS));
    }
  }

  /** The password was wrong: a confirmed failure, committed whatever the request does next. */
  failed(accountKey: string): Promise<void> {
    return this.unitOfWork.runStatementIndependently(async () => {
      await this.lockouts.recordFailure(accountKey, this.clock.now().getTime(), this.policy);
    });
  }

  /** The password was right: the count starts again (survives the request's failure). */
  succeeded(accountKey: string): Promise<void> {
    return this.unitOfWork.runStatementIndependently(async () => {
      await this.lockouts.clear(accountKey);
    });
  }

  /** The check ended without a verdict (it threw): its place in the budget is given back. */
  abandoned(accountKey: string): Promise<void> {
    return this.unitOfWork.runStatementIndependently(async () => {
      await this.lockouts.release(accountKey);
    });
  }

  /**
   * An administrator lifts a user's lockout (idempotent), audited in the request's unit of work. This is the
   * only way to end a lock early; unauthenticated attempts can never make it permanent.
   */
  async clearForUser(
    userId: string,
    admin: Pick<PrincipalUser, 'id' | 'username'> | null,
    meta?: RequestMeta,
    details: Record<string, string> = {},
  ): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserError(UserErrorCode.UserNotFound);
    const hadLockout = await this.lockouts.clearAccount(user.id);
    await this.audit.record({
      action: AuditAction.LoginLockoutCleared,
      outcome: 'success',
      actorUserId: admin?.id ?? null,
      actorUsername: admin?.username ?? null,
      targetUsername: user.username,
      resourceType: 'user',
      resourceId: user.id,
      details: { target_username: user.username, had_lockout: hadLockout, ...details },
      meta,
    });
  }
}
