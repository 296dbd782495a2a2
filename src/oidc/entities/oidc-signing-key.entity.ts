import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A token signing key; the private JWK is sealed (AES-256-GCM) under OIDC_ENCRYPTION_KEY. */
@Entity({ name: 'oidc_signing_keys' })
export class OidcSigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 16 })
  alg!: string;

  @Column({ name: 'sealed_private_jwk', type: 'text' })
  sealedPrivateJwk!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  /** Set by a rotation: the key then only verifies (it stays in the JWKS until its tokens expired). */
  @Column({ name: 'retired_at', type: Date, nullable: true })
  retiredAt!: Date | null;
}
