import {
  Table,
  TableColumn,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import { timestampType } from './column-types';

const byUser = (table: string) =>
  new TableForeignKey({
    name: `fk_${table}_user`,
    columnNames: ['user_id'],
    referencedTableName: 'users',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

/**
 * Second factors (TOTP secrets encrypted at rest, WebAuthn public keys), recovery codes (hashes only), login
 * challenges between the password and the factor (the token's hash only), and how each session was
 * authenticated (`amr`, `auth_time`). Times the conditional statements compare are epoch milliseconds in
 * BIGINT columns, whose arithmetic is the same on SQLite and PostgreSQL.
 */
export class MultiFactor1764202500000 implements MigrationInterface {
  name = 'MultiFactor1764202500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'mfa_factors',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: false },
          { name: 'kind', type: 'varchar', length: '16', isNullable: false },
          { name: 'label', type: 'varchar', length: '64', isNullable: true },
          // TOTP: the shared secret, AES-256-GCM under MFA_ENCRYPTION_KEY.
          { name: 'secret_ciphertext', type: 'varchar', length: '255', isNullable: true },
          // TOTP: the last time step accepted (a code is good once: replay is refused by one conditional UPDATE).
          { name: 'last_step', type: 'bigint', isNullable: true },
          // WebAuthn: the credential (base64url id, COSE public key), its signature counter and transports.
          { name: 'credential_id', type: 'varchar', length: '1400', isNullable: true },
          { name: 'public_key', type: 'text', isNullable: true },
          { name: 'sign_count', type: 'bigint', isNullable: true },
          { name: 'transports', type: 'varchar', length: '128', isNullable: true },
          { name: 'confirmed_at', type: timestamp, isNullable: true },
          { name: 'created_at', type: timestamp, isNullable: false },
          { name: 'last_used_at', type: timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createForeignKey('mfa_factors', byUser('mfa_factors'));
    await queryRunner.createIndex(
      'mfa_factors',
      new TableIndex({ name: 'ix_mfa_factors_user', columnNames: ['user_id'] }),
    );
    await queryRunner.createIndex(
      'mfa_factors',
      new TableIndex({
        name: 'uq_mfa_factors_credential',
        columnNames: ['credential_id'],
        isUnique: true,
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'mfa_recovery_codes',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: false },
          { name: 'code_hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'created_at', type: timestamp, isNullable: false },
          { name: 'used_at', type: timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createForeignKey('mfa_recovery_codes', byUser('mfa_recovery_codes'));
    await queryRunner.createIndex(
      'mfa_recovery_codes',
      new TableIndex({
        name: 'uq_mfa_recovery_codes_user_hash',
        columnNames: ['user_id', 'code_hash'],
        isUnique: true,
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'mfa_challenges',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'token_hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: false },
          // The login lockout budget the password step used: wrong codes count in it too.
          { name: 'account_key', type: 'varchar', length: '80', isNullable: false },
          // Binds the challenge to the password it followed: a change or reset in between voids it.
          { name: 'password_changed_at_ms', type: 'bigint', isNullable: false },
          { name: 'client', type: 'varchar', length: '16', isNullable: false },
          { name: 'attempts', type: 'integer', isNullable: false },
          { name: 'webauthn_challenge', type: 'varchar', length: '128', isNullable: true },
          { name: 'created_at_ms', type: 'bigint', isNullable: false },
          { name: 'expires_at_ms', type: 'bigint', isNullable: false },
          { name: 'consumed_at_ms', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.createForeignKey('mfa_challenges', byUser('mfa_challenges'));
    await queryRunner.createIndex(
      'mfa_challenges',
      new TableIndex({
        name: 'uq_mfa_challenges_token',
        columnNames: ['token_hash'],
        isUnique: true,
      }),
    );
    await queryRunner.createIndex(
      'mfa_challenges',
      new TableIndex({ name: 'ix_mfa_challenges_expiry', columnNames: ['expires_at_ms'] }),
    );

    await queryRunner.addColumns('sessions', [
      new TableColumn({
        name: 'amr',
        type: 'varchar',
        length: '64',
        isNullable: false,
        default: "'pwd'",
      }),
      new TableColumn({ name: 'auth_time', type: timestamp, isNullable: true }),
    ]);
    // Sessions opened before: by password, at their creation.
    await queryRunner.query('UPDATE sessions SET auth_time = created_at');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('sessions', 'auth_time');
    await queryRunner.dropColumn('sessions', 'amr');
    await queryRunner.dropTable('mfa_challenges');
    await queryRunner.dropTable('mfa_recovery_codes');
    await queryRunner.dropTable('mfa_factors');
  }
}
