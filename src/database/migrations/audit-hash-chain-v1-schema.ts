import { Table, type QueryRunner } from 'typeorm';
import { timestampType } from './column-types';

/*
 * Frozen with migration 1764201700000 (the audit hash chain): the audit tables as that migration created them
 * and the helpers it runs with. Never edit: a migration must give the same result forever.
 */

/** The audit columns as the initial schema created them. */
export const EVENT_COLUMNS = [
  'id',
  'occurred_at',
  'actor_user_id',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'details',
  'ip',
  'user_agent',
  'request_id',
] as const;

export type LegacyRow = Record<(typeof EVENT_COLUMNS)[number], unknown>;

export function auditEventsTable(queryRunner: QueryRunner, name: string, chained: boolean): Table {
  const ts = timestampType(queryRunner);
  return new Table({
    name,
    columns: [
      { name: 'id', type: 'varchar', length: '36', isPrimary: true },
      { name: 'occurred_at', type: ts, isNullable: false },
      // No foreign key: the audit trail outlives the accounts it mentions.
      { name: 'actor_user_id', type: 'varchar', length: '36', isNullable: true },
      { name: 'action', type: 'varchar', length: '64', isNullable: false },
      { name: 'resource_type', type: 'varchar', length: '64', isNullable: false },
      { name: 'resource_id', type: 'varchar', length: '128', isNullable: true },
      { name: 'outcome', type: 'varchar', length: '16', isNullable: false },
      { name: 'details', type: 'text', isNullable: false },
      { name: 'ip', type: 'varchar', length: '64', isNullable: true },
      { name: 'user_agent', type: 'varchar', length: '512', isNullable: true },
      { name: 'request_id', type: 'varchar', length: '64', isNullable: true },
      ...(chained
        ? [
            { name: 'seq', type: 'bigint', isNullable: false },
            { name: 'prev_hash', type: 'varchar', length: '64', isNullable: false },
            { name: 'hash', type: 'varchar', length: '64', isNullable: false },
          ]
        : []),
    ],
    checks: [{ name: 'ck_audit_outcome', expression: "outcome IN ('success', 'failure')" }],
  });
}

export function isPostgres(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.options.type === 'postgres';
}

/** Positional parameters of the driver: $1, $2… on PostgreSQL, ? on SQLite. */
export function placeholders(queryRunner: QueryRunner, count: number, offset = 0): string {
  return Array.from({ length: count }, (_, index) =>
    isPostgres(queryRunner) ? `$${offset + index + 1}` : '?',
  ).join(', ');
}

/** A stored instant as the entity reads it back: SQLite keeps UTC text "YYYY-MM-DD HH:MM:SS.SSS". */
export function storedInstant(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

export const APPEND_ONLY_ERROR = 'the audit log is append-only';

export const SQLITE_TRIGGERS = [
  'audit_events_no_update',
  'audit_events_purge_only',
  'audit_checkpoints_no_update',
  'audit_checkpoints_purge_only',
  'audit_chain_anchor_forward_only',
  'audit_chain_anchor_no_delete',
];
