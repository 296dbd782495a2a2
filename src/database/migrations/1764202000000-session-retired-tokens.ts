import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import { timestampType } from './column-types';

/** Retired refresh-token hashes, so reuse is detected for any earlier token of a session, not only the last one. */
export class SessionRetiredTokens1764202000000 implements MigrationInterface {
  name = 'SessionRetiredTokens1764202000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'session_retired_tokens',
        columns: [
          { name: 'hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'session_id', type: 'varchar', length: '36', isNullable: false },
          { name: 'retired_at', type: timestampType(queryRunner), isNullable: false },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'session_retired_tokens',
      new TableForeignKey({
        name: 'fk_retired_tokens_session',
        columnNames: ['session_id'],
        referencedTableName: 'sessions',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await queryRunner.createIndex(
      'session_retired_tokens',
      new TableIndex({ name: 'ix_retired_tokens_session', columnNames: ['session_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('session_retired_tokens');
  }
}
