import type { DataSource } from 'typeorm';
import { EntityStatements } from '../database/entity-statement';
import { PreparedStatement } from '../database/prepared-statement';
import type { UnitOfWork } from '../database/unit-of-work';
import type { SignedPosition } from './audit-signer';
import { ANCHOR_ID } from './entities/audit-chain-anchor.entity';
import { AuditEvent } from './entities/audit-event.entity';

/**
 * The key of the PostgreSQL advisory lock that serialises appends to the chain across every instance
 * ("AEGIS" in ASCII). Transaction-scoped: held from the append until the unit of work commits or rolls back.
 */
const CHAIN_LOCK_KEY = 0x4145474953;

/**
 * The statements of an append to the audit chain, each prepared once (every audited request runs them): the chain
 * lock with the head, and the INSERT of the event with every column of the entity. On PostgreSQL the lock and the
 * head are one call of the `aegis_audit_lock_and_head` function (see its migration: the head is read by a statement
 * of its own after the lock wait, with a fresh snapshot, so it cannot miss an append committed meanwhile); on SQLite
 * the unit of work already serialises transactions and the head is a plain read.
 */
export class AuditAppendStatements {
  private readonly head: PreparedStatement;
  private readonly insert: (values: Record<string, unknown>) => Promise<unknown>;
  private readonly properties: string[];

  constructor(dataSource: DataSource, unitOfWork: UnitOfWork) {
    this.head =
      dataSource.options.type === 'postgres'
        ? new PreparedStatement(
            dataSource,
            unitOfWork,
            'aegis_audit_lock_and_head',
            'SELECT head_seq AS seq, head_hash AS hash ' +
              `FROM aegis_audit_lock_and_head(${CHAIN_LOCK_KEY}, ${ANCHOR_ID})`,
          )
        : new PreparedStatement(
            dataSource,
            unitOfWork,
            'aegis_audit_head',
            'SELECT seq, hash FROM (SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1) AS last_event ' +
              `UNION ALL SELECT seq, hash FROM audit_chain_anchor WHERE id = ${ANCHOR_ID} ORDER BY seq DESC LIMIT 1`,
          );
    const statements = new EntityStatements(dataSource, unitOfWork);
    const events = statements.metadata(AuditEvent);
    this.properties = events.columns.map((column) => column.propertyName);
    this.insert = statements.prepare(
      'aegis_audit_insert',
      `INSERT INTO ${statements.escape(events.tableName)} ` +
        `(${events.columns.map((column) => statements.escape(column.databaseName)).join(', ')}) ` +
        `VALUES (${this.properties.map((property) => `:${property}`).join(', ')})`,
      events.columns.map((column) => ({ name: column.propertyName, column })),
    );
  }

  /**
   * Takes the chain lock (PostgreSQL; SQLite's unit of work already serialises every transaction) and returns the
   * head: the last event's position, or the anchor when retention purged every event (or none was written).
   */
  async lockAndReadHead(): Promise<SignedPosition> {
    const { rows } = await this.head.run([]);
    if (rows.length === 0) throw new Error('audit_chain_anchor is missing: run the migrations');
    return { seq: Number(rows[0].seq), hash: rows[0].hash as string };
  }

  async append(event: AuditEvent): Promise<void> {
    const values = event as unknown as Record<string, unknown>;
    await this.insert(Object.fromEntries(this.properties.map((p) => [p, values[p]])));
  }
}
