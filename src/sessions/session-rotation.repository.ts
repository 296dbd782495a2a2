import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EntityStatements, type StatementParameter } from '../database/entity-statement';
import type { Row, StatementResult } from '../database/prepared-statement';
import { UnitOfWork } from '../database/unit-of-work';
import { RetiredRefreshToken } from './entities/retired-refresh-token.entity';
import { Session } from './entities/session.entity';
import type { Rotation, SessionAccount, SessionWithAccount } from './refresh-rotation';

/** The users table and its columns, named rather than imported: sessions needs nothing from the users feature. */
const USERS = 'users';
const ACCOUNT_COLUMNS = ['id', 'isActive', 'mustChangePassword', 'username'] as const;

type Run = (values: Record<string, unknown>) => Promise<StatementResult>;

interface Statements {
  find: Run;
  rotate: Run;
  retire: Run;
  read: (row: Row) => SessionWithAccount;
}

/**
 * The statements of a refresh-token rotation, each prepared once (see PreparedStatement): the session and its
 * account in one joined read on the primary key, the conditional UPDATE that decides the rotation, and the
 * INSERT that remembers the retired hash. Same SQL, same conditions and same conversions as the query-builder
 * versions in SessionsRepository, without building them on every refresh.
 */
@Injectable()
export class SessionRotationRepository {
  private statements?: Statements;

  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async findWithAccount(sessionId: string): Promise<SessionWithAccount | null> {
    const statements = this.prepared();
    const { rows } = await statements.find({ id: sessionId });
    return rows.length === 0 ? null : statements.read(rows[0]);
  }

  /**
   * One conditional statement: it succeeds only if the presented hash is still the current one and the session
   * is live, so two concurrent refreshes with one token can never both rotate.
   */
  async rotate(rotation: Rotation): Promise<boolean> {
    const { changes } = await this.prepared().rotate({
      id: rotation.sessionId,
      presented: rotation.presentedHash,
      next: rotation.newHash,
      now: rotation.now,
      idle: rotation.idleExpiresAt,
    });
    return changes === 1;
  }

  /** Remembers a refresh-token hash the session rotated away. */
  async retire(sessionId: string, hash: string, at: Date): Promise<void> {
    await this.prepared().retire({ hash, session: sessionId, at });
  }

  private prepared(): Statements {
    return (this.statements ??= build(new EntityStatements(this.dataSource, this.unitOfWork)));
  }
}

function build(statements: EntityStatements): Statements {
  const sessions = statements.metadata(Session);
  const users = statements.metadata(USERS);
  const retired = statements.metadata(RetiredRefreshToken);
  const s = (property: string) => statements.column(sessions, property);
  const name = (property: string) => statements.escape(s(property).databaseName);
  const parameter = (key: string, property: string): StatementParameter => ({
    name: key,
    column: s(property),
  });

  const sessionColumns = sessions.columns.map((column) => ({
    column,
    alias: `s_${column.databaseName}`,
  }));
  const accountColumns = ACCOUNT_COLUMNS.map((property) => {
    const column = statements.column(users, property);
    return { property, column, alias: `u_${column.databaseName}` };
  });
  const select = [
    ...sessionColumns.map(
      ({ column, alias }) =>
        `s.${statements.escape(column.databaseName)} AS ${statements.escape(alias)}`,
    ),
    ...accountColumns.map(
      ({ column, alias }) =>
        `u.${statements.escape(column.databaseName)} AS ${statements.escape(alias)}`,
    ),
  ].join(', ');
  const userId = statements.escape(statements.column(users, 'id').databaseName);
  const find = statements.prepare(
    'aegis_rotation_find',
    `SELECT ${select} FROM ${statements.escape(sessions.tableName)} s ` +
      `LEFT JOIN ${statements.escape(users.tableName)} u ON u.${userId} = s.${name('userId')} ` +
      `WHERE s.${name('id')} = :id`,
    [parameter('id', 'id')],
  );

  const rotate = statements.prepare(
    'aegis_rotation_update',
    `UPDATE ${statements.escape(sessions.tableName)} SET ${name('refreshTokenHash')} = :next, ` +
      `${name('previousRefreshTokenHash')} = :presented, ${name('rotatedAt')} = :now, ` +
      `${name('lastUsedAt')} = :now, ${name('idleExpiresAt')} = :idle ` +
      `WHERE ${name('id')} = :id AND ${name('refreshTokenHash')} = :presented ` +
      `AND ${name('revokedAt')} IS NULL AND ${name('idleExpiresAt')} > :now ` +
      `AND ${name('absoluteExpiresAt')} > :now`,
    [
      parameter('id', 'id'),
      parameter('presented', 'refreshTokenHash'),
      parameter('next', 'refreshTokenHash'),
      parameter('now', 'rotatedAt'),
      parameter('idle', 'idleExpiresAt'),
    ],
  );

  const r = (property: string) => statements.column(retired, property);
  const retire = statements.prepare(
    'aegis_rotation_retire',
    `INSERT INTO ${statements.escape(retired.tableName)} ` +
      `(${[r('hash'), r('sessionId'), r('retiredAt')].map((c) => statements.escape(c.databaseName)).join(', ')}) ` +
      `VALUES (:hash, :session, :at)`,
    [
      { name: 'hash', column: r('hash') },
      { name: 'session', column: r('sessionId') },
      { name: 'at', column: r('retiredAt') },
    ],
  );

  const read = (row: Row): SessionWithAccount => {
    const session = new Session();
    for (const { column, alias } of sessionColumns) {
      column.setEntityValue(session, statements.hydrate(row, alias, column));
    }
    const [idColumn, ...flags] = accountColumns;
    if (row[idColumn.alias] === null || row[idColumn.alias] === undefined)
      return { session, account: null };
    const account: Record<string, unknown> = {};
    for (const { property, column, alias } of flags)
      account[property] = statements.hydrate(row, alias, column);
    return { session, account: account as unknown as SessionAccount };
  };

  return { find, rotate, retire, read };
}
