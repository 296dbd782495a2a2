import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Password checks still running for an account, counted apart from confirmed failures: attempts in flight
 * hold a place in the failure budget (so parallel guesses get no extra checks) but never count as failures
 * (so parallel logins with the right password are never refused). Existing rows: every counted attempt was a
 * failure or has long finished, so `failures` stays and `in_flight` starts at 0.
 */
export class LoginLockoutInFlight1764202100000 implements MigrationInterface {
  name = 'LoginLockoutInFlight1764202100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'login_lockouts',
      new TableColumn({ name: 'in_flight', type: 'integer', isNullable: false, default: 0 }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('login_lockouts', 'in_flight');
  }
}
