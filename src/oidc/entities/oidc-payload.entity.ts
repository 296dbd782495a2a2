import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One artifact of the provider (Session, Grant, AuthorizationCode, AccessToken, …) as its JSON payload. */
@Entity({ name: 'oidc_payloads' })
export class OidcPayload {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  model!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  id!: string;

  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'grant_id', type: 'varchar', length: 255, nullable: true })
  grantId!: string | null;

  @Column({ name: 'user_code', type: 'varchar', length: 255, nullable: true })
  userCode!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  uid!: string | null;

  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'consumed_at', type: Date, nullable: true })
  consumedAt!: Date | null;
}
