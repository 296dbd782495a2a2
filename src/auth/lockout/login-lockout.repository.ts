import { Injectable } from '@nestjs/common';
import { In, MoreThan } from 'typeorm';
import { UnitOfWork } from '../../database/unit-of-work';
import { LoginLockout } from './login-lockout.entity';

export interface LockoutPolicy {
  /** Attempts allowed before the account is locked. */
  maxFailures: number;
  /** First lock length; each further failure doubles it … */
  baseMs: number;
  /** … up to this. */
  capMs: number;
  /** A check in flight longer than this (its process died) stops holding a place in the budget. */
  staleMs: number;
}

/**
 * A check was reserved (it may go ahead), or not: locked until `lockedUntilMs`, or (null) the budget is held
 * by checks still running, whose outcome decides.
 */
export type AttemptReservation =
  { allowed: true; failures: number } | { allowed: false; lockedUntilMs: number | null };

@Injectable()
export class LoginLockoutRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * Reserves a password check for the account *before* it runs, in one conditional UPSERT: it matches nothing
   * while the account is locked, or while confirmed failures plus checks still running fill the budget; it
   * adds one check in flight otherwise. Parallel attempts are therefore serialised by the row itself: however
   * many arrive at once, at most `maxFailures` are checked before the lock can decide. Once a lock has run out,
   * one check at a time may probe it (a failure locks again, doubled). A check in flight for longer than
   * `staleMs` (its process died) no longer holds its place. The same statement runs on SQLite (3.35+) and
   * PostgreSQL: ON CONFLICT … DO UPDATE … WHERE … RETURNING.
   */
  async reserve(
    accountKey: string,
    nowMs: number,
    policy: LockoutPolicy,
  ): Promise<AttemptReservation> {
    const manager = await this.unitOfWork.manager();
    const old = 'login_lockouts';
    const inFlight = `(CASE WHEN ${old}.last_attempt_ms < CAST(:stale AS BIGINT) THEN 0 ELSE ${old}.in_flight END)`;
    const [sql, parameters] = manager.dataSource.driver.escapeQueryWithParameters(
      `INSERT INTO ${old} (account_key, failures, in_flight, backoff_ms, locked_until_ms, last_attempt_ms)
       VALUES (:key, 0, 1, 0, NULL, CAST(:now AS BIGINT))
       ON CONFLICT (account_key) DO UPDATE SET
         in_flight = ${inFlight} + 1,
         last_attempt_ms = CAST(:now AS BIGINT)
       WHERE (${old}.locked_until_ms IS NULL AND ${old}.failures + ${inFlight} < CAST(:max AS INTEGER))
          OR (${old}.locked_until_ms <= CAST(:now AS BIGINT) AND ${inFlight} = 0)
       RETURNING failures`,
      { key: accountKey, now: nowMs, stale: nowMs - policy.staleMs, max: policy.maxFailures },
    );
    const rows = await manager.query<Array<{ failures: number | string }>>(sql, parameters);
    if (rows.length === 1) return { allowed: true, failures: Number(rows[0].failures) };
    const row = await manager.findOneBy(LoginLockout, { accountKey });
    // Deleted since (a success, an admin): free now. Not locked: the budget is held by checks in flight.
    if (!row) return { allowed: false, lockedUntilMs: null };
    return {
      allowed: false,
      lockedUntilMs:
        row.lockedUntilMs !== null && row.lockedUntilMs > nowMs ? row.lockedUntilMs : null,
    };
  }

  /**
   * A reserved check found the wrong password: one more confirmed failure, its place in flight given back and,
   * at the threshold, the lock set (30 s, then doubling with each further failure, up to the cap).
   */
  async recordFailure(accountKey: string, nowMs: number, policy: LockoutPolicy): Promise<void> {
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
      `INSERT INTO ${old} (account_key, failures, in_flight, backoff_ms, locked_until_ms, last_attempt_ms)
       VALUES (:key, 1, 0, CAST(:firstBackoff AS BIGINT), CAST(:firstLockedUntil AS BIGINT), CAST(:now AS BIGINT))
       ON CONFLICT (account_key) DO UPDATE SET
         failures = ${old}.failures + 1,
         in_flight = CASE WHEN ${old}.in_flight > 0 THEN ${old}.in_flight - 1 ELSE 0 END,
         backoff_ms = ${backoff},
         locked_until_ms = CASE WHEN ${reachesLimit} THEN CAST(:now AS BIGINT) + (${backoff}) ELSE NULL END,
         last_attempt_ms = CAST(:now AS BIGINT)`,
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
    await manager.query(sql, parameters);
  }

  /** A reserved check ended without a verdict on the password (an error): its place is given back. */
  async release(accountKey: string): Promise<void> {
    const manager = await this.unitOfWork.manager();
    await manager
      .createQueryBuilder()
      .update(LoginLockout)
      .set({ inFlight: () => 'CASE WHEN in_flight > 0 THEN in_flight - 1 ELSE 0 END' })
      .where('account_key = :key', { key: accountKey })
      .execute();
  }

  async find(accountKey: string): Promise<LoginLockout | null> {
    return (await this.unitOfWork.manager()).findOneBy(LoginLockout, { accountKey });
  }

  /** The locks still running at `nowMs` among these keys: key → end of the lock (ms), in one query. */
  async runningLocks(accountKeys: readonly string[], nowMs: number): Promise<Map<string, number>> {
    if (accountKeys.length === 0) return new Map();
    const rows = await (
      await this.unitOfWork.manager()
    ).find(LoginLockout, {
      select: { accountKey: true, lockedUntilMs: true },
      where: { accountKey: In([...accountKeys]), lockedUntilMs: MoreThan(nowMs) },
    });
    return new Map(rows.map((row) => [row.accountKey, row.lockedUntilMs ?? nowMs]));
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

  /** Forgets the account's shared budget and every device budget of it; false when there was nothing. */
  async clearAccount(userId: string): Promise<boolean> {
    const result = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder()
      .delete()
      .from(LoginLockout)
      .where('account_key = :shared OR account_key LIKE :devices', {
        shared: `u:${userId}`,
        devices: `d:${userId}:%`,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Forgets every counted attempt; false when there was nothing to forget. */
  async clear(accountKey: string): Promise<boolean> {
    const result = await (await this.unitOfWork.manager()).delete(LoginLockout, { accountKey });
    return (result.affected ?? 0) > 0;
  }
}
