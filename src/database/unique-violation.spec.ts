import { DataSource, QueryFailedError } from 'typeorm';
import { isUniqueViolation } from './unique-violation';

/** The error TypeORM throws on SQLite for `sql`, on a table with a primary key and a unique column. */
async function sqliteError(sql: string): Promise<QueryFailedError> {
  const dataSource = await new DataSource({
    type: 'better-sqlite3',
    database: ':memory:',
  }).initialize();
  try {
    await dataSource.query(
      'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, age INTEGER NOT NULL)',
    );
    await dataSource.query("INSERT INTO t (id, name, age) VALUES (1, 'alice', 30)");
    await dataSource.query(sql);
  } catch (error) {
    if (error instanceof QueryFailedError) return error;
    throw error;
  } finally {
    await dataSource.destroy();
  }
  throw new Error(`no error from ${sql}`);
}

const failed = (driverError: unknown) => new QueryFailedError('INSERT …', [], driverError as Error);

describe('isUniqueViolation', () => {
  it('recognises SQLite unique and primary key violations, as TypeORM throws them and from the driver', async () => {
    const unique = await sqliteError("INSERT INTO t (id, name, age) VALUES (2, 'alice', 1)");
    const primaryKey = await sqliteError("INSERT INTO t (id, name, age) VALUES (1, 'bob', 1)");
    for (const error of [unique, primaryKey]) {
      expect(isUniqueViolation(error)).toBe(true);
      expect(isUniqueViolation(error.driverError)).toBe(true);
    }
  });

  it('recognises PostgreSQL unique_violation (SQLSTATE 23505)', () => {
    const pg = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
    });
    expect(isUniqueViolation(pg)).toBe(true);
    expect(isUniqueViolation(failed(pg))).toBe(true);
  });

  it('does not take other failures for one, whatever their message says', async () => {
    const notNull = await sqliteError("INSERT INTO t (id, name) VALUES (3, 'carol')");
    const foreignKeyPg = Object.assign(new Error('unique duplicate'), { code: '23503' });
    for (const error of [
      notNull,
      notNull.driverError,
      foreignKeyPg,
      failed(foreignKeyPg),
      new Error('UNIQUE constraint failed: users.username'),
      'duplicate',
      null,
      undefined,
    ]) {
      expect(isUniqueViolation(error)).toBe(false);
    }
  });
});
