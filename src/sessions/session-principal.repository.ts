import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { PrincipalSession, PrincipalUser } from '../common/access/principal';
import { UnitOfWork } from '../database/unit-of-work';
import { Session, type SessionLifetime } from './entities/session.entity';

/** A session (what decides whether it is live) with the account it belongs to, as the database says now. */
export interface SessionPrincipal {
  session: PrincipalSession & SessionLifetime;
  user: PrincipalUser;
}

/** The users table, named rather than imported: sessions needs nothing from the users feature. */
const USERS = 'users';
const SESSION_COLUMNS = ['id', 'userId', 'revokedAt', 'idleExpiresAt', 'absoluteExpiresAt'] as const;
const USER_COLUMNS = [
  'id',
  'username',
  'displayName',
  'role',
  'isActive',
  'mustChangePassword',
  'createdAt',
] as const;

interface Selected {
  alias: string;
  owner: 'session' | 'user';
  property: string;
  column: ColumnMetadata;
}

interface PrincipalStatement {
  sql: string;
  selected: Selected[];
}

/**
 * The check behind every authenticated request: a session and its user in one parameterised statement (a
 * join on the primary key), built once from the entity metadata and sent as is on every call — no query
 * builder, no entity hydration per request. Values are converted by the driver exactly as TypeORM converts
 * them for entities (dates, booleans), so both databases give the same principal.
 */
@Injectable()
export class SessionPrincipalRepository {
  private statement?: PrincipalStatement;

  constructor(private readonly unitOfWork: UnitOfWork) {}

  async findBySessionId(sessionId: string): Promise<SessionPrincipal | null> {
    const manager = await this.unitOfWork.manager();
    const statement = (this.statement ??= buildStatement(manager.connection));
    const rows = (await manager.query(statement.sql, [sessionId])) as Array<
      Record<string, unknown>
    >;
    const row = rows[0];
    if (row === undefined) return null;
    const driver = manager.connection.driver;
    const session: Record<string, unknown> = {};
    const user: Record<string, unknown> = {};
    for (const { alias, owner, property, column } of statement.selected) {
      (owner === 'session' ? session : user)[property] = driver.prepareHydratedValue(
        row[alias],
        column,
      );
    }
    return {
      session: session as unknown as SessionPrincipal['session'],
      user: user as unknown as PrincipalUser,
    };
  }
}

function buildStatement(dataSource: DataSource): PrincipalStatement {
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
  const sessionUser = sessions.findColumnWithPropertyName('userId')!.databaseName;
  const [sql] = driver.escapeQueryWithParameters(
    `SELECT ${list} FROM ${driver.escape(sessions.tableName)} s ` +
      `INNER JOIN ${driver.escape(users.tableName)} u ON u.${driver.escape('id')} = s.${driver.escape(sessionUser)} ` +
      `WHERE s.${driver.escape('id')} = :id`,
    { id: '' },
  );
  return { sql, selected };
}
