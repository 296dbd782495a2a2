import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** BIGINT comes back from PostgreSQL as a string; these values (epoch ms) fit a double exactly. */
const epochMs: ValueTransformer = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * Consecutive failed password checks for one account (or for a name no account has, so a lockout never
 * tells whether an account exists). The row disappears on success or when an admin clears it.
 */
@Entity({ name: 'login_lockouts' })
export class LoginLockout {
  @PrimaryColumn({ name: 'account_key', type: 'varchar', length: 80 })
  accountKey!: string;

  /** Failed checks since the last success. */
  @Column({ type: 'integer' })
  failures!: number;

  /** Checks still running (they hold a place in the failure budget until they end). */
  @Column({ name: 'in_flight', type: 'integer' })
  inFlight!: number;

  /** Length of the current lock (0 below the threshold); doubles with each further failure. */
  @Column({ name: 'backoff_ms', type: 'bigint', transformer: epochMs })
  backoffMs!: number;

  @Column({ name: 'locked_until_ms', type: 'bigint', nullable: true, transformer: epochMs })
  lockedUntilMs!: number | null;

  @Column({ name: 'last_attempt_ms', type: 'bigint', transformer: epochMs })
  lastAttemptMs!: number;
}
