import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/bigint-number.transformer';

export enum FactorKind {
  Totp = 'totp',
  WebAuthn = 'webauthn',
}

/**
 * A second factor of a user: a TOTP secret (encrypted) or a WebAuthn credential (public key). A TOTP factor
 * is pending until its first code confirms it; only confirmed factors count.
 */
@Entity({ name: 'mfa_factors' })
export class MfaFactor {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: FactorKind;

  @Column({ type: 'varchar', length: 64, nullable: true })
  label!: string | null;

  /** AES-256-GCM of the base32 secret, bound to this row's id and user (see SecretBox). */
  @Column({ name: 'secret_ciphertext', type: 'varchar', length: 255, nullable: true })
  secretCiphertext!: string | null;

  /** The last TOTP time step accepted: only a later one is accepted next. */
  @Column({ name: 'last_step', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastStep!: number | null;

  @Column({ name: 'credential_id', type: 'varchar', length: 1400, nullable: true })
  credentialId!: string | null;

  @Column({ name: 'public_key', type: 'text', nullable: true })
  publicKey!: string | null;

  @Column({ name: 'sign_count', type: 'bigint', nullable: true, transformer: bigintNumber })
  signCount!: number | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  transports!: string | null;

  @Column({ name: 'confirmed_at', type: Date, nullable: true })
  confirmedAt!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: Date, nullable: true })
  lastUsedAt!: Date | null;
}
