import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { MIGRATIONS } from './migrations';
import { TypeOrmLogger } from './typeorm-logger';

/** Queries slower than this are logged as warnings. */
const SLOW_QUERY_MS = 1_000;

/** Grace on top of the server-side statement timeout before the client gives up on its own. */
const CLIENT_TIMEOUT_MARGIN_MS = 2_000;

/** Pooled connections are replaced this often (seconds). */
const CONNECTION_LIFETIME_S = 60;

/**
 * node-postgres pool settings. The statement timeout is enforced by the server (the connection stays usable);
 * the client-side query timeout only matters when the server cannot answer at all (a network partition). A
 * connection the network dropped without a reset (a failover to another host) never errors by itself: keep-alive
 * and a bounded lifetime make the pool replace it instead of reusing it for minutes.
 */
function postgresPoolOptions(database: DatabaseConfig): Record<string, unknown> {
  return {
    max: database.poolSize,
    connectionTimeoutMillis: database.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    maxLifetimeSeconds: CONNECTION_LIFETIME_S,
    ...(database.statementTimeoutMs > 0 && {
      statement_timeout: database.statementTimeoutMs,
      query_timeout: database.statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
    }),
  };
}

/**
 * One definition of the database connection, shared by the app and the TypeORM CLI (ormconfig.ts).
 * Entities are passed in (the app lets each feature module register its own), so this folder knows no feature.
 */
export function buildDataSourceOptions(
  database: DatabaseConfig,
  entities: NonNullable<DataSourceOptions['entities']> = [],
): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsRun: database.migrate,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logger: new TypeOrmLogger(),
    maxQueryExecutionTime: SLOW_QUERY_MS,
  };
  if (database.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: database.url,
      extra: postgresPoolOptions(database),
    };
  }
  mkdirSync(dirname(database.sqlitePath), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.sqlitePath,
    enableWAL: true,
    // Another process (the CLI, a second reader) may hold the write lock for a moment: wait, do not fail.
    timeout: 5_000,
  };
}
