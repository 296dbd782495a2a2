import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL only: every committed change to what the principal check reads is announced on the
 * `aegis_principal` channel (`s:<session id>`, `u:<user id>`, `*` for a truncation), whoever wrote it — an
 * instance, the CLI, an operator's SQL. NOTIFY is sent at commit and never on rollback, so the instances'
 * principal caches forget exactly what changed. Column lists: a refresh rotation (idle expiry, refresh hashes,
 * last use) and a password hash change announce nothing; the sessions that a password change ends do.
 * SQLite needs no trigger: other writers are seen through `PRAGMA data_version`.
 */
export class PrincipalChangeNotifications1764202700000 implements MigrationInterface {
  name = 'PrincipalChangeNotifications1764202700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query(`
      CREATE FUNCTION aegis_principal_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          PERFORM pg_notify('aegis_principal', '*');
        ELSE
          PERFORM pg_notify('aegis_principal', TG_ARGV[0] || ':' || OLD.id);
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER sessions_principal_changed
      AFTER UPDATE OF revoked_at, absolute_expires_at, amr, auth_time, user_id OR DELETE ON sessions
      FOR EACH ROW EXECUTE FUNCTION aegis_principal_changed('s')`);
    await queryRunner.query(`
      CREATE TRIGGER users_principal_changed
      AFTER UPDATE OF username, display_name, role, is_active, must_change_password, created_at OR DELETE
      ON users FOR EACH ROW EXECUTE FUNCTION aegis_principal_changed('u')`);
    for (const table of ['sessions', 'users']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_principal_truncated AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION aegis_principal_changed()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    for (const table of ['sessions', 'users']) {
      await queryRunner.query(`DROP TRIGGER ${table}_principal_truncated ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_principal_changed ON ${table}`);
    }
    await queryRunner.query('DROP FUNCTION aegis_principal_changed()');
  }
}
