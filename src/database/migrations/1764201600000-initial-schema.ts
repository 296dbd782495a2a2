import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import { timestampType } from './column-types';

/** Users, server-side sessions and the audit log. Driver-neutral schema API: one migration for SQLite and PostgreSQL. */
export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'username', type: 'varchar', length: '64', isNullable: false },
          { name: 'password_hash', type: 'varchar', length: '255', isNullable: false },
          { name: 'role', type: 'varchar', length: '16', isNullable: false },
          { name: 'is_active', type: 'boolean', isNullable: false, default: true },
          { name: 'must_change_password', type: 'boolean', isNullable: false, default: false },
          { name: 'password_changed_at', type: ts, isNullable: false },
          { name: 'created_at', type: ts, isNullable: false },
          { name: 'updated_at', type: ts, isNullable: false },
        ],
        uniques: [{ name: 'uq_users_username', columnNames: ['username'] }],
        checks: [{ name: 'ck_users_role', expression: "role IN ('admin', 'user')" }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: false },
          { name: 'refresh_token_hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'previous_refresh_token_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'rotated_at', type: ts, isNullable: true },
          { name: 'created_at', type: ts, isNullable: false },
          { name: 'last_used_at', type: ts, isNullable: false },
          { name: 'idle_expires_at', type: ts, isNullable: false },
          { name: 'absolute_expires_at', type: ts, isNullable: false },
          { name: 'revoked_at', type: ts, isNullable: true },
          { name: 'revoked_reason', type: 'varchar', length: '32', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '512', isNullable: true },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'sessions',
      new TableForeignKey({
        name: 'fk_sessions_user',
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await queryRunner.createIndex(
      'sessions',
      new TableIndex({ name: 'ix_sessions_user', columnNames: ['user_id'] }),
    );
    await queryRunner.createIndex(
      'sessions',
      new TableIndex({ name: 'ix_sessions_absolute_expiry', columnNames: ['absolute_expires_at'] }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'occurred_at', type: ts, isNullable: false },
          // No foreign key: the audit trail outlives the accounts it mentions.
          { name: 'actor_user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'action', type: 'varchar', length: '64', isNullable: false },
          { name: 'resource_type', type: 'varchar', length: '64', isNullable: false },
          { name: 'resource_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '16', isNullable: false },
          { name: 'details', type: 'text', isNullable: false },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '512', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '64', isNullable: true },
        ],
        checks: [{ name: 'ck_audit_outcome', expression: "outcome IN ('success', 'failure')" }],
      }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'ix_audit_occurred_at', columnNames: ['occurred_at'] }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'ix_audit_actor', columnNames: ['actor_user_id', 'occurred_at'] }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'ix_audit_action', columnNames: ['action', 'occurred_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_events');
    await queryRunner.dropTable('sessions');
    await queryRunner.dropTable('users');
  }
}
