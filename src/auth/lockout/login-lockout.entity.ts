import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/bigint-number.transformer';

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
  @Column({ name: 'backoff_ms', type: 'bigint', transformer: bigintNumber })
  backoffMs!: number;

  @Column({ name: 'locked_until_ms', type: 'bigint', nullable: true, transformer: bigintNumber })
  lockedUntilMs!: number | null;

  @Column({ name: 'last_attempt_ms', type: 'bigint', transformer: bigintNumber })
  lastAttemptMs!: number;
}
