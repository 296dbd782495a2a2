import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/bigint-number.transformer';

export enum CeremonyPurpose {
  /** Adding a passkey to the signed-in user: bound to the user and the session that asked. */
  Registration = 'registration',
  /** A passwordless sign-in: nobody is known until the authenticator answers. */
  PasskeyLogin = 'passkey_login',
}

/** A WebAuthn challenge that was handed out and not answered yet; only its SHA-256 is kept. */
@Entity({ name: 'webauthn_ceremonies' })
export class WebAuthnCeremony {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'challenge_hash', type: 'varchar', length: 64 })
  challengeHash!: string;

  @Column({ type: 'varchar', length: 16 })
  purpose!: CeremonyPurpose;

  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ name: 'session_id', type: 'varchar', length: 36, nullable: true })
  sessionId!: string | null;

  @Column({ name: 'created_at_ms', type: 'bigint', transformer: bigintNumber })
  createdAtMs!: number;

  @Column({ name: 'expires_at_ms', type: 'bigint', transformer: bigintNumber })
  expiresAtMs!: number;
}
