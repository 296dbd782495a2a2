import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Administrators give accounts a human-readable name. */
export class UserDisplayName1764201650000 implements MigrationInterface {
  name = 'UserDisplayName1764201650000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'users',
      new TableColumn({ name: 'display_name', type: 'varchar', length: '128', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'display_name');
  }
}
