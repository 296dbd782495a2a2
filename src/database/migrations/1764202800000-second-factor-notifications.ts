import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL only: the principal check also reads whether the user has a confirmed second factor, so a change
 * to that (a factor confirmed, a passkey added, a factor removed, an administrator's reset) is announced on the
 * `aegis_principal` channel as `u:<user id>`, like a change to the user row, whoever wrote it. A factor's use
 * (its last time step, its signature counter) changes nothing the check reads and announces nothing.
 * SQLite needs no trigger: other writers are seen through `PRAGMA data_version`.
 */
export class SecondFactorNotifications1764202800000 implements MigrationInterface {
  name = 'SecondFactorNotifications1764202800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query(`
      CREATE FUNCTION aegis_second_factor_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          PERFORM pg_notify('aegis_principal', '*');
        ELSIF TG_OP = 'INSERT' THEN
          PERFORM pg_notify('aegis_principal', 'u:' || NEW.user_id);
        ELSE
          PERFORM pg_notify('aegis_principal', 'u:' || OLD.user_id);
          IF TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id THEN
            PERFORM pg_notify('aegis_principal', 'u:' || NEW.user_id);
          END IF;
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER mfa_factors_principal_changed
      AFTER INSERT OR UPDATE OF confirmed_at, user_id OR DELETE ON mfa_factors
      FOR EACH ROW EXECUTE FUNCTION aegis_second_factor_changed()`);
    await queryRunner.query(`
      CREATE TRIGGER mfa_factors_principal_truncated AFTER TRUNCATE ON mfa_factors
      FOR EACH STATEMENT EXECUTE FUNCTION aegis_second_factor_changed()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query('DROP TRIGGER mfa_factors_principal_truncated ON mfa_factors');
    await queryRunner.query('DROP TRIGGER mfa_factors_principal_changed ON mfa_factors');
    await queryRunner.query('DROP FUNCTION aegis_second_factor_changed()');
  }
}
