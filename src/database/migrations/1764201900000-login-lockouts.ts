import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per-account login lockouts (consecutive failed password checks). Times are epoch milliseconds in BIGINT
 * columns rather than timestamps: the lockout arithmetic runs inside one conditional UPSERT, and integer
 * arithmetic is the same on SQLite and PostgreSQL where timestamp arithmetic is not.
 */
export class LoginLockouts1764201900000 implements MigrationInterface {
  name = 'LoginLockouts1764201900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'login_lockouts',
        columns: [
          // `u:<user id>` for an account, `n:<sha-256 of the name>` for a name no account has.
          { name: 'account_key', type: 'varchar', length: '80', isPrimary: true },
          { name: 'failures', type: 'integer', isNullable: false },
          { name: 'backoff_ms', type: 'bigint', isNullable: false },
          { name: 'locked_until_ms', type: 'bigint', isNullable: true },
          { name: 'last_attempt_ms', type: 'bigint', isNullable: false },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('login_lockouts');
  }
}
