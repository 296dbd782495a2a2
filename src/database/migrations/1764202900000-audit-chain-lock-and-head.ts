import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL only: the audit chain's lock and its head in one round trip. An append used to send the advisory lock,
 * then the head, then the INSERT, then COMMIT, holding the lock for the last three round trips; now the head comes
 * back with the lock. The head is read by a statement of its own inside a VOLATILE function: under READ COMMITTED
 * each statement of such a function takes a fresh snapshot, so it sees every append committed while this transaction
 * waited for the lock (one statement doing both would read the head as of before the wait and fork the chain, which
 * the unique index on seq would then refuse).
 */
export class AuditChainLockAndHead1764202900000 implements MigrationInterface {
  name = 'AuditChainLockAndHead1764202900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query(`
      CREATE FUNCTION aegis_audit_lock_and_head(lock_key bigint, anchor_id integer)
      RETURNS TABLE (head_seq bigint, head_hash text) LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        RETURN QUERY
          SELECT last_event.seq::bigint, last_event.hash::text
            FROM (SELECT e.seq, e.hash FROM audit_events e ORDER BY e.seq DESC LIMIT 1) AS last_event
          UNION ALL
          SELECT a.seq::bigint, a.hash::text FROM audit_chain_anchor a WHERE a.id = anchor_id
          ORDER BY 1 DESC LIMIT 1;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query('DROP FUNCTION aegis_audit_lock_and_head(bigint, integer)');
  }
}
