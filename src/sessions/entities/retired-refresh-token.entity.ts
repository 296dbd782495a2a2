import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every refresh token a session has rotated away, as its SHA-256: a token presented again after the grace window
 * is theft however many rotations ago it was retired. Rows go when their session's row is purged (foreign key).
 */
@Entity({ name: 'session_retired_tokens' })
export class RetiredRefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  hash!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  sessionId!: string;

  @Column({ name: 'retired_at', type: Date })
  retiredAt!: Date;
}
