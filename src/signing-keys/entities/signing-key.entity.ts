import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SigningKeyPurpose } from '../signing-key-kinds';

/**
 * A token signing key; the private JWK is sealed (AES-256-GCM) under OIDC_ENCRYPTION_KEY. The table keeps its
 * first name: it held only the OpenID provider's keys until Aegis's access-token keys joined them.
 */
@Entity({ name: 'oidc_signing_keys' })
export class SigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  /** What the key signs; it verifies nothing else. */
  @Column({ type: 'varchar', length: 16 })
  purpose!: SigningKeyPurpose;

  @Column({ type: 'varchar', length: 16 })
  alg!: string;

  @Column({ name: 'sealed_private_jwk', type: 'text' })
  sealedPrivateJwk!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  /** Published (verifies) from creation, signs only from here: every instance has learnt of it by then. */
  @Column({ name: 'activates_at', type: Date })
  activatesAt!: Date;

  /** Set by a rotation to its successor's activation: from then on the key only verifies, until its tokens expired. */
  @Column({ name: 'retired_at', type: Date, nullable: true })
  retiredAt!: Date | null;
}
