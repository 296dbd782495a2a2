import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';

/**
 * WebAuthn challenges handed out for a passkey registration or a passwordless sign-in (the second-factor
 * step keeps its own on `mfa_challenges`): only the SHA-256 of the challenge, who may answer it (the user and
 * session of a registration; nobody yet for a passwordless sign-in) and until when. A row is deleted when it is
 * answered, right or wrong, so a challenge is good once.
 */
export class WebAuthnCeremonies1764202600000 implements MigrationInterface {
  name = 'WebAuthnCeremonies1764202600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'webauthn_ceremonies',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'challenge_hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'purpose', type: 'varchar', length: '16', isNullable: false },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'session_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at_ms', type: 'bigint', isNullable: false },
          { name: 'expires_at_ms', type: 'bigint', isNullable: false },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'webauthn_ceremonies',
      new TableForeignKey({
        name: 'fk_webauthn_ceremonies_user',
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await queryRunner.createIndex(
      'webauthn_ceremonies',
      new TableIndex({
        name: 'uq_webauthn_ceremonies_challenge',
        columnNames: ['challenge_hash'],
        isUnique: true,
      }),
    );
    await queryRunner.createIndex(
      'webauthn_ceremonies',
      new TableIndex({ name: 'ix_webauthn_ceremonies_expiry', columnNames: ['expires_at_ms'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webauthn_ceremonies');
  }
}
