import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { LoginLockout } from './entities/login-lockout.entity';

export interface LockoutPolicy {
  /** Attempts allowed before the account is locked. */
  maxFailures: number;
  /** First lock length; each further failure doubles it … */
  baseMs: number;
  /** … up to this. */
  capMs: number;
}

/** An attempt was counted (it may go ahead), or the account is locked until `lockedUntilMs`. */
export type AttemptReservation =
  { allowed: true; failures: number } | { allowed: false; lockedUntilMs: number };

@Injectable()
export class LoginLockoutRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * Counts an attempt as a failure *before* the password is checked, in one conditional UPSERT: it matches
   * nothing while the account is locked, otherwise it adds one and, at the threshold, sets the lock (30 s,
   * then doubling). Parallel attempts are therefore serialised by the row itself: however many arrive at
   * once, only `maxFailures` get a password check. A success deletes the row ({@link clear}).
   * The same statement runs on SQLite (3.35+) and PostgreSQL: ON CONFLICT … DO UPDATE … WHERE … RETURNING.
   */
  async reserve(
    accountKey: string,
    nowMs: number,
    policy: LockoutPolicy,
  ): Promise<AttemptReservation> {
    const manager = await this.unitOfWork.manager();
    const old = 'login_lockouts';
    const reachesLimit = `${old}.failures + 1 >= CAST(:max AS INTEGER)`;
    const backoff =
      `CASE WHEN NOT (${reachesLimit}) THEN 0 ` +
      `WHEN ${old}.backoff_ms = 0 THEN CAST(:base AS BIGINT) ` +
      `WHEN ${old}.backoff_ms * 2 >= CAST(:cap AS BIGINT) THEN CAST(:cap AS BIGINT) ` +
      `ELSE ${old}.backoff_ms * 2 END`;
    const firstLocks = policy.maxFailures <= 1;
    const [sql, parameters] = manager.dataSource.driver.escapeQueryWithParameters(
      `INSERT INTO ${old} (account_key, failures, backoff_ms, locked_until_ms, last_attempt_ms)
       VALUES (:key, 1, CAST(:firstBackoff AS BIGINT), CAST(:firstLockedUntil AS BIGINT), CAST(:now AS BIGINT))
       ON CONFLICT (account_key) DO UPDATE SET
         failures = ${old}.failures + 1,
         backoff_ms = ${backoff},
         locked_until_ms = CASE WHEN ${reachesLimit} THEN CAST(:now AS BIGINT) + (${backoff}) ELSE NULL END,
         last_attempt_ms = CAST(:now AS BIGINT)
       WHERE ${old}.locked_until_ms IS NULL OR ${old}.locked_until_ms <= CAST(:now AS BIGINT)
       RETURNING failures`,
      {
        key: accountKey,
        now: nowMs,
        max: policy.maxFailures,
        base: policy.baseMs,
        cap: policy.capMs,
        firstBackoff: firstLocks ? policy.baseMs : 0,
        firstLockedUntil: firstLocks ? nowMs + policy.baseMs : null,
      },
    );
    const rows = await manager.query<Array<{ failures: number | string }>>(sql, parameters);
    if (rows.length === 1) return { allowed: true, failures: Number(rows[0].failures) };
    const row = await manager.findOneBy(LoginLockout, { accountKey });
    // The row that refused the attempt can only have been deleted (a success, an admin) since: retry-able now.
    return { allowed: false, lockedUntilMs: row?.lockedUntilMs ?? nowMs };
  }

  async find(accountKey: string): Promise<LoginLockout | null> {
    return (await this.unitOfWork.manager()).findOneBy(LoginLockout, { accountKey });
  }

  /** Deletes counters with no attempt since `beforeMs` and no lock still running then; returns how many. */
  async deleteIdleBefore(beforeMs: number): Promise<number> {
    const result = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder()
      .delete()
      .from(LoginLockout)
      .where('last_attempt_ms < :before', { before: beforeMs })
      .andWhere('(locked_until_ms IS NULL OR locked_until_ms < :before)', { before: beforeMs })
      .execute();
    return result.affected ?? 0;
  }

  /** Forgets every counted attempt; false when there was nothing to forget. */
  async clear(accountKey: string): Promise<boolean> {
    const result = await (await this.unitOfWork.manager()).delete(LoginLockout, { accountKey });
    return (result.affected ?? 0) > 0;
  }
}
