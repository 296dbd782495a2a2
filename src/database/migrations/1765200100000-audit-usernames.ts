import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit rows name their actor and target as they were called at the time, so the log can be searched by name
 * and reads the same after a rename. The names are covered by the row hash from chain format 2 on: every
 * existing row keeps `chain_version` 1 and verifies exactly as before (the chain forbids rewriting it).
 *
 * Plain ALTER TABLE on both databases: TypeORM's addColumn rebuilds a SQLite table, which would drop the
 * triggers that keep audit_events append-only.
 */
export class AuditUsernames1765200100000 implements MigrationInterface {
  name = 'AuditUsernames1765200100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE audit_events ADD COLUMN chain_version integer NOT NULL DEFAULT 1',
    );
    await queryRunner.query('ALTER TABLE audit_events ADD COLUMN actor_username varchar(64)');
    await queryRunner.query('ALTER TABLE audit_events ADD COLUMN target_username varchar(64)');
    await queryRunner.query(
      'CREATE INDEX idx_audit_events_actor_username ON audit_events (actor_username, seq)',
    );
    await queryRunner.query(
      'CREATE INDEX idx_audit_events_target_username ON audit_events (target_username, seq)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX idx_audit_events_target_username');
    await queryRunner.query('DROP INDEX idx_audit_events_actor_username');
    await queryRunner.query('ALTER TABLE audit_events DROP COLUMN target_username');
    await queryRunner.query('ALTER TABLE audit_events DROP COLUMN actor_username');
    await queryRunner.query('ALTER TABLE audit_events DROP COLUMN chain_version');
  }
}
