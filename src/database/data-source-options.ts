import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { MIGRATIONS } from './migrations';

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
    logging: ['error' as const, 'warn' as const],
  };
  if (database.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: database.url,
      extra: { max: 10, connectionTimeoutMillis: 5_000, statement_timeout: 10_000 },
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
