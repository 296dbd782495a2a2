import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from './column-types';

/**
 * The OpenID Connect provider: its protocol artifacts (sessions, grants, codes, tokens, interactions) as JSON
 * rows keyed by model and id, the registered clients, the signing keys (private halves encrypted), and the link
 * from each grant to the Aegis session it was signed in with.
 */
export class OidcProvider1764202400000 implements MigrationInterface {
  name = 'OidcProvider1764202400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const instant = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'oidc_payloads',
        columns: [
          { name: 'model', type: 'varchar', length: '40', isPrimary: true },
          { name: 'id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'payload', type: 'text', isNullable: false },
          { name: 'grant_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'user_code', type: 'varchar', length: '255', isNullable: true },
          { name: 'uid', type: 'varchar', length: '255', isNullable: true },
          { name: 'expires_at', type: instant, isNullable: true },
          { name: 'consumed_at', type: instant, isNullable: true },
        ],
      }),
    );
    for (const column of ['grant_id', 'user_code', 'uid', 'expires_at'])
      await queryRunner.createIndex(
        'oidc_payloads',
        new TableIndex({ name: `ix_oidc_payloads_${column}`, columnNames: [column] }),
      );

    await queryRunner.createTable(
      new Table({
        name: 'oidc_clients',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'name', type: 'varchar', length: '128', isNullable: false },
          { name: 'metadata', type: 'text', isNullable: false },
          { name: 'secret_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'is_enabled', type: 'boolean', isNullable: false, default: true },
          { name: 'created_at', type: instant, isNullable: false },
          { name: 'updated_at', type: instant, isNullable: false },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'oidc_signing_keys',
        columns: [
          { name: 'kid', type: 'varchar', length: '64', isPrimary: true },
          { name: 'alg', type: 'varchar', length: '16', isNullable: false },
          { name: 'sealed_private_jwk', type: 'text', isNullable: false },
          { name: 'created_at', type: instant, isNullable: false },
          { name: 'retired_at', type: instant, isNullable: true },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'oidc_session_links',
        columns: [
          { name: 'grant_id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '64', isNullable: false },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: false },
          { name: 'aegis_session_id', type: 'varchar', length: '36', isNullable: false },
          { name: 'provider_session_uid', type: 'varchar', length: '255', isNullable: true },
          { name: 'created_at', type: instant, isNullable: false },
          { name: 'ended_at', type: instant, isNullable: true },
        ],
      }),
    );
    for (const column of ['aegis_session_id', 'user_id', 'provider_session_uid'])
      await queryRunner.createIndex(
        'oidc_session_links',
        new TableIndex({ name: `ix_oidc_links_${column}`, columnNames: [column] }),
      );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'oidc_session_links',
      'oidc_signing_keys',
      'oidc_clients',
      'oidc_payloads',
    ])
      await queryRunner.dropTable(table);
  }
}
