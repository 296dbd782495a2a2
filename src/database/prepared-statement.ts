import { QueryFailedError, type DataSource } from 'typeorm';
import type { UnitOfWork } from './unit-of-work';

export type Row = Record<string, unknown>;

/** What a statement gave back: its rows (a query, or a write with RETURNING) and how many rows it changed. */
export interface StatementResult {
  rows: Row[];
  changes: number;
}

interface SqliteStatement {
  reader: boolean;
  all(...parameters: unknown[]): Row[];
  run(...parameters: unknown[]): { changes: number };
}

interface PostgresClient {
  query(config: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: Row[]; rowCount: number | null }>;
}

/**
 * One parameterised SQL statement on a repository's hot path, prepared once instead of built by a query
 * builder on every call (values go in already converted: see the driver's `preparePersistentValue`).
 *
 * On SQLite it is a better-sqlite3 statement prepared once on the one connection and run synchronously;
 * inside a unit of work it runs on that same connection after the transaction has begun (the unit of work's
 * lock makes the connection this request's until it commits). On PostgreSQL it is a named statement that each
 * pooled connection parses and plans once, run on the unit of work's connection inside one and on the pool
 * outside. Failures surface as TypeORM's QueryFailedError, as from any repository call.
 */
export class PreparedStatement {
  private sqlite?: SqliteStatement;

  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    /** The name PostgreSQL keeps the statement under, per connection: unique across Aegis. */
    private readonly name: string,
    readonly sql: string,
  ) {}

  async run(parameters: unknown[]): Promise<StatementResult> {
    const started = Date.now();
    try {
      const result = await this.execute(parameters);
      const slowMs = this.dataSource.options.maxQueryExecutionTime;
      const tookMs = Date.now() - started;
      if (slowMs && tookMs > slowMs)
        this.dataSource.logger.logQuerySlow(tookMs, this.sql, undefined);
      return result;
    } catch (error) {
      this.dataSource.logger.logQueryError(error as Error, this.sql, undefined);
      throw new QueryFailedError(this.sql, undefined, error as Error);
    }
  }

  private async execute(parameters: unknown[]): Promise<StatementResult> {
    const inTransaction = this.unitOfWork.isActive();
    // Begins the unit of work's transaction (taking SQLite's lock) when this is its first statement.
    const manager = inTransaction ? await this.unitOfWork.manager() : undefined;
    if (this.dataSource.options.type === 'better-sqlite3') {
      const statement = (this.sqlite ??= (
        this.dataSource.driver as unknown as {
          databaseConnection: { prepare(sql: string): SqliteStatement };
        }
      ).databaseConnection.prepare(this.sql));
      if (statement.reader) return { rows: statement.all(...parameters), changes: 0 };
      return { rows: [], changes: statement.run(...parameters).changes };
    }
    if (this.dataSource.options.type === 'postgres') {
      const client = manager
        ? (manager.queryRunner as unknown as { databaseConnection: PostgresClient })
            .databaseConnection
        : (this.dataSource.driver as unknown as { master: PostgresClient }).master;
      const result = await client.query({ name: this.name, text: this.sql, values: parameters });
      return { rows: result.rows, changes: result.rowCount ?? 0 };
    }
    throw new Error(`No prepared statements for ${this.dataSource.options.type}`);
  }
}
