import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID tokens and codes are now keyed by the SHA-256 of their value, which is no longer kept in the row. Rows
 * written before cannot be found by the value a client presents, and they hold working tokens in plain text:
 * they are deleted. Tools sign their users in again (silently while the browser's provider session lives);
 * provider sessions, grants and interactions are kept. The models are listed here, not imported: a migration
 * must give the same result forever.
 */
const HASHED_MODELS = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'BackchannelAuthenticationRequest',
  'PushedAuthorizationRequest',
  'RegistrationAccessToken',
  'InitialAccessToken',
];

export class OidcHashedTokenKeys1764203000000 implements MigrationInterface {
  name = 'OidcHashedTokenKeys1764203000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.manager
      .createQueryBuilder()
      .delete()
      .from('oidc_payloads')
      .where('model IN (:...models)', { models: HASHED_MODELS })
      .execute();
  }

  /** Nothing to restore: the deleted tokens are gone, and rows written since stay keyed by their hash. */
  async down(): Promise<void> {}
}
