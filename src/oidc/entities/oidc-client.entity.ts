import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A relying party registered by an administrator. `metadata` is its OIDC client metadata, without a secret. */
@Entity({ name: 'oidc_clients' })
export class OidcClient {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  /** JSON: redirect_uris, post_logout_redirect_uris, grant_types, token_endpoint_auth_method, … */
  @Column({ type: 'text' })
  metadata!: string;

  /** SHA-256 (hex) of the client secret; null for a public client. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64, nullable: true })
  secretHash!: string | null;

  @Column({ name: 'is_enabled', type: 'boolean' })
  isEnabled!: boolean;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
