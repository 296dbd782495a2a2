import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from './column-types';

/**
 * An administrator answering "when did this person last get in, and from where" reads it on the account
 * instead of searching the audit log. Null for accounts that have not signed in since this column exists.
 */
export class UserLastSignIn1765200000000 implements MigrationInterface {
  name = 'UserLastSignIn1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('users', [
      new TableColumn({
        name: 'last_sign_in_at',
        type: timestampType(queryRunner),
        isNullable: true,
      }),
      // An IPv6 address in its longest textual form is 45 characters; 64 leaves room for a zone id.
      new TableColumn({ name: 'last_sign_in_ip', type: 'varchar', length: '64', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'last_sign_in_ip');
    await queryRunner.dropColumn('users', 'last_sign_in_at');
  }
}
