import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { PrincipalAccount, PrincipalSession } from '../common/access/principal';
import { UnitOfWork } from '../database/unit-of-work';
import { Session, type SessionLifetime } from './entities/session.entity';

/** A session (what decides whether it is live) with the account it belongs to, as the database says now. */
export interface SessionPrincipal {
  session: PrincipalSession & SessionLifetime;
  user: PrincipalAccount;
}

/** The users and second-factor tables, named rather than imported: sessions needs nothing from those features. */
const USERS = 'users';
const FACTORS = 'mfa_factors';
/** The alias of the computed "has a confirmed second factor" column. */
const HAS_SECOND_FACTOR = 'u_has_second_factor';
const SESSION_COLUMNS = [
  'id',
  'userId',
  'amr',
  'authTime',
  'revokedAt',
  'idleExpiresAt',
  'absoluteExpiresAt',
] as const;
const USER_COLUMNS = [
  'id',
  'username',
  'displayName',
  'role',
  'isActive',
  'mustChangePassword',
  'createdAt',
] as const;
/** The name PostgreSQL keeps the prepared statement under, per pooled connection. */
const STATEMENT_NAME = 'aegis_session_principal';

type Row = Record<string, unknown>;

interface Selected {
  alias: string;
  owner: 'session' | 'user';
  property: string;
  column: ColumnMetadata;
}

interface PreparedPrincipal {
  sql: string;
  selected: Selected[];
  /** Runs the statement outside a unit of work: prepared once, on the driver's own connection or pool. */
  run: (sessionId: string) => Row | undefined | Promise<Row | undefined>;
}

/**
 * The check behind every authenticated request: a session and its user in one prepared, parameterised
 * statement (a join on the primary key), built once from the entity metadata. On SQLite it is a
 * better-sqlite3 statement prepared once and run synchronously; on PostgreSQL a named statement each pooled
 * connection parses and plans once. No query builder, no entity hydration: values are converted by
 * TypeORM's driver exactly as for entities (dates, booleans), so both databases give the same principal.
 * Inside a unit of work the same SQL runs on its transaction, as every other read does.
 */
@Injectable()
export class SessionPrincipalRepository {
  private prepared?: PreparedPrincipal;

  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async findBySessionId(sessionId: string): Promise<SessionPrincipal | null> {
    const prepared = (this.prepared ??= prepare(this.dataSource));
    const row = this.unitOfWork.isActive()
      ? (await (await this.unitOfWork.manager()).query<Row[]>(prepared.sql, [sessionId]))[0]
      : await prepared.run(sessionId);
    if (row === undefined) return null;
    const driver = this.dataSource.driver;
    const session: Row = {};
    const user: Row = {};
    for (const { alias, owner, property, column } of prepared.selected) {
      (owner === 'session' ? session : user)[property] = driver.prepareHydratedValue(
        row[alias],
        column,
      );
    }
    // EXISTS gives a boolean on PostgreSQL and 0/1 on SQLite.
    user.hasSecondFactor = row[HAS_SECOND_FACTOR] === true || row[HAS_SECOND_FACTOR] === 1;
    return {
      session: session as unknown as SessionPrincipal['session'],
      user: user as unknown as PrincipalAccount,
    };
  }
}

function prepare(dataSource: DataSource): PreparedPrincipal {
  const sessions = dataSource.getMetadata(Session);
  const users = dataSource.getMetadata(USERS);
  const driver = dataSource.driver;
  const selected: Selected[] = [];
  const pick = (owner: Selected['owner'], properties: readonly string[]) => {
    const metadata = owner === 'session' ? sessions : users;
    for (const property of properties) {
      const column = metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`${metadata.tableName} has no column for ${property}`);
      selected.push({ alias: `${owner[0]}_${column.databaseName}`, owner, property, column });
    }
  };
  pick('session', SESSION_COLUMNS);
  pick('user', USER_COLUMNS);
  const list = selected
    .map(
      ({ alias, owner, column }) =>
        `${owner[0]}.${driver.escape(column.databaseName)} AS ${driver.escape(alias)}`,
    )
    .join(', ');
  const column = (name: string) =>
    driver.escape(sessions.findColumnWithPropertyName(name)!.databaseName);
  const factors = dataSource.getMetadata(FACTORS);
  const factorColumn = (name: string) =>
    driver.escape(factors.findColumnWithPropertyName(name)!.databaseName);
  const hasSecondFactor =
    `EXISTS (SELECT 1 FROM ${driver.escape(factors.tableName)} f ` +
    `WHERE f.${factorColumn('userId')} = u.${driver.escape('id')} ` +
    `AND f.${factorColumn('confirmedAt')} IS NOT NULL) AS ${driver.escape(HAS_SECOND_FACTOR)}`;
  const [sql] = driver.escapeQueryWithParameters(
    `SELECT ${list}, ${hasSecondFactor} FROM ${driver.escape(sessions.tableName)} s ` +
      `INNER JOIN ${driver.escape(users.tableName)} u ON u.${driver.escape('id')} = s.${column('userId')} ` +
      `WHERE s.${column('id')} = :id`,
    { id: '' },
  );
  return { sql, selected, run: runnerFor(dataSource, sql) };
}

interface SqliteStatement {
  get(...parameters: unknown[]): Row | undefined;
}
interface PostgresPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
}

function runnerFor(dataSource: DataSource, sql: string): PreparedPrincipal['run'] {
  const driver = dataSource.driver as unknown as {
    databaseConnection?: { prepare(sql: string): SqliteStatement };
    master?: PostgresPool;
  };
  switch (dataSource.options.type) {
    case 'better-sqlite3': {
      const statement = driver.databaseConnection!.prepare(sql);
      return (sessionId) => statement.get(sessionId);
    }
    case 'postgres': {
      const pool = driver.master!;
      return async (sessionId) =>
        (await pool.query({ name: STATEMENT_NAME, text: sql, values: [sessionId] })).rows[0];
    }
    default:
      return async (sessionId) => (await dataSource.query<Row[]>(sql, [sessionId]))[0];
  }
}
