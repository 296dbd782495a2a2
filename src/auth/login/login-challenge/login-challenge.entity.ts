import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../../database/bigint-number.transformer';

/**
 * The state between a right password and the second factor: who, which lockout budget, which password, how
 * many codes were tried. Only the SHA-256 of its token is stored. Times in epoch milliseconds: the attempt
 * count and expiry are decided inside one conditional UPDATE. The table keeps the name it was created with
 (renaming it would only cost a migration).
 */
@Entity({ name: 'mfa_challenges' })
export class LoginChallenge {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'account_key', type: 'varchar', length: 80 })
  accountKey!: string;

  @Column({ name: 'password_changed_at_ms', type: 'bigint', transformer: bigintNumber })
  passwordChangedAtMs!: number;

  /** What the login asked for: `api` also gets the refresh token in the body. */
  @Column({ type: 'varchar', length: 16 })
  client!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'webauthn_challenge', type: 'varchar', length: 128, nullable: true })
  webauthnChallenge!: string | null;

  @Column({ name: 'created_at_ms', type: 'bigint', transformer: bigintNumber })
  createdAtMs!: number;

  @Column({ name: 'expires_at_ms', type: 'bigint', transformer: bigintNumber })
  expiresAtMs!: number;

  @Column({ name: 'consumed_at_ms', type: 'bigint', nullable: true, transformer: bigintNumber })
  consumedAtMs!: number | null;
}
