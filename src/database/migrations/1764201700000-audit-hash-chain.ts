import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { chainHashV1, GENESIS_HASH_V1, type ChainedFieldsV1 } from './audit-chain-v1';
import { timestampType } from './column-types';
import {
  APPEND_ONLY_ERROR,
  auditEventsTable,
  EVENT_COLUMNS,
  isPostgres,
  placeholders,
  SQLITE_TRIGGERS,
  storedInstant,
  type LegacyRow,
} from './audit-hash-chain-v1-schema';

const COPY_BATCH = 500;

/**
 * Tamper evidence for the audit log: every event gets its chain position `seq`, `prev_hash` and `hash`
 * (existing events are chained in their time order), plus the retention anchor and signed checkpoints.
 * Triggers make the three tables append-only; retention is the one sanctioned way to delete (see the README,
 * "Audit"): on PostgreSQL it must `SET LOCAL aegis.audit_purge = 'on'` and may only delete events at or below
 * the anchor it raised first in the same transaction; SQLite has no session settings, so there the anchor
 * rule alone applies. UPDATE is refused always (the anchor may only move forward, during a purge).
 */
export class AuditHashChain1764201700000 implements MigrationInterface {
  name = 'AuditHashChain1764201700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'audit_chain_anchor',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'seq', type: 'bigint', isNullable: false },
          { name: 'hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'mac', type: 'varchar', length: '64', isNullable: true },
          { name: 'purged_before', type: ts, isNullable: true },
          { name: 'updated_at', type: ts, isNullable: true },
        ],
        checks: [{ name: 'ck_audit_anchor_single_row', expression: 'id = 1' }],
      }),
    );
    await queryRunner.query(
      `INSERT INTO audit_chain_anchor (id, seq, hash) VALUES (${placeholders(queryRunner, 3)})`,
      [1, 0, GENESIS_HASH_V1],
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_checkpoints',
        columns: [
          { name: 'seq', type: 'bigint', isPrimary: true },
          { name: 'hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'mac', type: 'varchar', length: '64', isNullable: false },
          { name: 'created_at', type: ts, isNullable: false },
        ],
      }),
    );

    await this.dropEventIndexes(queryRunner);
    await queryRunner.renameTable('audit_events', 'audit_events_unchained');
    await queryRunner.createTable(auditEventsTable(queryRunner, 'audit_events', true));
    await this.chainExistingEvents(queryRunner);
    await queryRunner.dropTable('audit_events_unchained');

    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'uq_audit_seq', columnNames: ['seq'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'ix_audit_occurred_at', columnNames: ['occurred_at'] }),
    );
    // Search filters, newest first by seq.
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'ix_audit_actor', columnNames: ['actor_user_id', 'seq'] }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'ix_audit_action', columnNames: ['action', 'seq'] }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({
        name: 'ix_audit_resource',
        columnNames: ['resource_type', 'resource_id', 'seq'],
      }),
    );

    if (isPostgres(queryRunner)) await this.createPostgresTriggers(queryRunner);
    else await this.createSqliteTriggers(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (isPostgres(queryRunner)) {
      await queryRunner.query('DROP FUNCTION aegis_audit_append_only() CASCADE');
      await queryRunner.query('DROP FUNCTION aegis_audit_anchor_forward_only() CASCADE');
    } else {
      // Before the tables change: SQLite re-checks triggers when a table they mention is renamed.
      for (const trigger of SQLITE_TRIGGERS) await queryRunner.query(`DROP TRIGGER ${trigger}`);
    }
    await queryRunner.dropTable('audit_checkpoints');
    await queryRunner.dropTable('audit_chain_anchor');
    for (const name of ['uq_audit_seq', 'ix_audit_resource'])
      await queryRunner.dropIndex('audit_events', name);
    await this.dropEventIndexes(queryRunner);
    await queryRunner.renameTable('audit_events', 'audit_events_chained');
    await queryRunner.createTable(auditEventsTable(queryRunner, 'audit_events', false));
    const columns = EVENT_COLUMNS.join(', ');
    await queryRunner.query(
      `INSERT INTO audit_events (${columns}) SELECT ${columns} FROM audit_events_chained`,
    );
    await queryRunner.dropTable('audit_events_chained');
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

  private async dropEventIndexes(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['ix_audit_occurred_at', 'ix_audit_actor', 'ix_audit_action'])
      await queryRunner.dropIndex('audit_events', name);
  }

  /** Existing events, oldest first (ties by id), become seq 1, 2, 3… of one chain. */
  private async chainExistingEvents(queryRunner: QueryRunner): Promise<void> {
    const columns = EVENT_COLUMNS.join(', ');
    const insert = `INSERT INTO audit_events (${columns}, seq, prev_hash, hash) VALUES (${placeholders(
      queryRunner,
      EVENT_COLUMNS.length + 3,
    )})`;
    let seq = 0;
    let prevHash = GENESIS_HASH_V1;
    let after: { occurredAt: unknown; id: unknown } | undefined;
    for (;;) {
      const rows = (await queryRunner.query(
        `SELECT ${columns} FROM audit_events_unchained` +
          (after
            ? ` WHERE occurred_at > ${placeholders(queryRunner, 1)}` +
              ` OR (occurred_at = ${placeholders(queryRunner, 1, 1)} AND id > ${placeholders(queryRunner, 1, 2)})`
            : '') +
          ` ORDER BY occurred_at, id LIMIT ${COPY_BATCH}`,
        after ? [after.occurredAt, after.occurredAt, after.id] : [],
      )) as LegacyRow[];
      for (const row of rows) {
        seq += 1;
        const hash = chainHashV1(prevHash, {
          seq,
          id: String(row.id),
          occurredAt: storedInstant(row.occurred_at),
          actorUserId: (row.actor_user_id as string | null) ?? null,
          action: String(row.action),
          resourceType: String(row.resource_type),
          resourceId: (row.resource_id as string | null) ?? null,
          outcome: row.outcome as string,
          details: JSON.parse(String(row.details)) as ChainedFieldsV1['details'],
          ip: (row.ip as string | null) ?? null,
          userAgent: (row.user_agent as string | null) ?? null,
          requestId: (row.request_id as string | null) ?? null,
        });
        await queryRunner.query(insert, [
          ...EVENT_COLUMNS.map((column) => row[column]),
          seq,
          prevHash,
          hash,
        ]);
        prevHash = hash;
      }
      if (rows.length < COPY_BATCH) return;
      const last = rows[rows.length - 1];
      after = { occurredAt: last.occurred_at, id: last.id };
    }
  }

  private async createPostgresTriggers(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION aegis_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Retention, the one sanctioned deletion, declares itself and has raised the anchor first.
        IF TG_OP = 'DELETE' AND current_setting('aegis.audit_purge', true) = 'on' THEN
          IF OLD.seq <= (SELECT seq FROM audit_chain_anchor WHERE id = 1) THEN
            RETURN OLD;
          END IF;
        END IF;
        RAISE EXCEPTION '% on % refused: ${APPEND_ONLY_ERROR}', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION aegis_audit_anchor_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('aegis.audit_purge', true) = 'on' THEN
          IF NEW.id = OLD.id AND NEW.seq >= OLD.seq THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION '% on % refused: ${APPEND_ONLY_ERROR}', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_events', 'audit_checkpoints']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
          'FOR EACH ROW EXECUTE FUNCTION aegis_audit_append_only()',
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} ` +
          'FOR EACH STATEMENT EXECUTE FUNCTION aegis_audit_append_only()',
      );
    }
    await queryRunner.query(
      'CREATE TRIGGER audit_chain_anchor_forward_only BEFORE UPDATE OR DELETE ON audit_chain_anchor ' +
        'FOR EACH ROW EXECUTE FUNCTION aegis_audit_anchor_forward_only()',
    );
    await queryRunner.query(
      'CREATE TRIGGER audit_chain_anchor_no_truncate BEFORE TRUNCATE ON audit_chain_anchor ' +
        'FOR EACH STATEMENT EXECUTE FUNCTION aegis_audit_anchor_forward_only()',
    );
  }

  private async createSqliteTriggers(queryRunner: QueryRunner): Promise<void> {
    const refuse = (what: string) => `SELECT RAISE(ABORT, '${what} refused: ${APPEND_ONLY_ERROR}')`;
    for (const table of ['audit_events', 'audit_checkpoints']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} ` +
          `BEGIN ${refuse(`UPDATE on ${table}`)}; END`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_purge_only BEFORE DELETE ON ${table} ` +
          'WHEN OLD.seq > (SELECT seq FROM audit_chain_anchor WHERE id = 1) ' +
          `BEGIN ${refuse(`DELETE on ${table}`)}; END`,
      );
    }
    await queryRunner.query(
      'CREATE TRIGGER audit_chain_anchor_forward_only BEFORE UPDATE ON audit_chain_anchor ' +
        `WHEN NEW.id <> OLD.id OR NEW.seq < OLD.seq BEGIN ${refuse('UPDATE on audit_chain_anchor')}; END`,
    );
    await queryRunner.query(
      'CREATE TRIGGER audit_chain_anchor_no_delete BEFORE DELETE ON audit_chain_anchor ' +
        `BEGIN ${refuse('DELETE on audit_chain_anchor')}; END`,
    );
  }
}
