import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Which Aegis session a provider grant was signed in with: the grant, its tokens and the provider session live
 * only as long as that Aegis session does.
 */
@Entity({ name: 'oidc_session_links' })
export class OidcSessionLink {
  @PrimaryColumn({ name: 'grant_id', type: 'varchar', length: 255 })
  grantId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'aegis_session_id', type: 'varchar', length: 36 })
  aegisSessionId!: string;

  /** The provider's browser session, known once it issued an authorization code for this grant. */
  @Column({ name: 'provider_session_uid', type: 'varchar', length: 255, nullable: true })
  providerSessionUid!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  /** When the provider side was ended (tokens revoked, back-channel logout sent). */
  @Column({ name: 'ended_at', type: Date, nullable: true })
  endedAt!: Date | null;
}
