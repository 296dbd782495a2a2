import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** Why a session ended early. Stored in `revoked_reason`. */
export enum SessionRevocationReason {
  Logout = 'logout',
  RefreshTokenReused = 'refresh_token_reused',
  PasswordChanged = 'password_changed',
  UserDisabled = 'user_disabled',
  PasswordReset = 'password_reset',
  RevokedByUser = 'revoked_by_user',
  RevokedByAdmin = 'revoked_by_admin',
  LogoutAll = 'logout_all',
  MfaReset = 'mfa_reset',
  /** The same browser signed the same user in again on the hosted sign-in (a step-up): the newer one goes on. */
  Replaced = 'replaced',
  /** An operator ended every session at once (`sessions:revoke-all`, or `db:restore` on the restored copy). */
  EndedByOperator = 'ended_by_operator',
}

/** What decides whether a session may still be used. */
export interface SessionLifetime {
  revokedAt: Date | null;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

/** Not revoked, and neither its idle nor its absolute lifetime is over at `now`. */
export function isSessionLiveAt(session: SessionLifetime, now: Date): boolean {
  return (
    session.revokedAt === null && session.idleExpiresAt > now && session.absoluteExpiresAt > now
  );
}

/** `amr` is stored as its values separated by spaces (few, short, read with the session on every request). */
const spaceSeparated: ValueTransformer = {
  to: (value: string[] | undefined) => value?.join(' '),
  from: (value: string | null) => (value ? value.split(' ') : []),
};

/** One login: the server-side state behind a refresh token. The token itself is never stored, only its SHA-256. */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'refresh_token_hash', type: 'varchar', length: 64 })
  refreshTokenHash!: string;

  /** The hash retired by the last rotation: recognised for the reuse grace window, then as theft. */
  @Column({ name: 'previous_refresh_token_hash', type: 'varchar', length: 64, nullable: true })
  previousRefreshTokenHash!: string | null;

  @Column({ name: 'rotated_at', type: Date, nullable: true })
  rotatedAt!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: Date })
  lastUsedAt!: Date;

  @Column({ name: 'idle_expires_at', type: Date })
  idleExpiresAt!: Date;

  @Column({ name: 'absolute_expires_at', type: Date })
  absoluteExpiresAt!: Date;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason!: SessionRevocationReason | null;

  /** How the session was authenticated and re-authenticated (RFC 8176 values: `pwd`, `otp`, `hwk`, `user`). */
  @Column({ type: 'varchar', length: 64, transformer: spaceSeparated })
  amr!: string[];

  /** The last password or factor check on this session (the login, or a reauthentication since). */
  @Column({ name: 'auth_time', type: Date })
  authTime!: Date;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  isLiveAt(now: Date): boolean {
    return isSessionLiveAt(this, now);
  }
}
