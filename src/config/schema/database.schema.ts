import { join, resolve } from 'node:path';
import { z } from 'zod';
import { bool, duration, folder, integer, optionalText, url } from './env-fields';

/** The database: PostgreSQL when DATABASE_URL is set, else the embedded SQLite file in the data folder. */
export const databaseSchema = z
  .object({
    DATABASE_URL: url(
      /^postgres(ql)?:\/\//,
      'a postgres:// URL (leave it unset for the embedded SQLite file)',
    ),
    DATA_DIR: folder('./data'),
    SQLITE_PATH: optionalText(),
    DB_MIGRATE: bool(true),
    DB_POOL_SIZE: integer(10, 1, 1_000),
    DB_STATEMENT_TIMEOUT: duration('10s', 0),
    DB_CONNECT_TIMEOUT: duration('5s', 100),
  })
  .transform((env) => ({
    /** `sqlite` unless DATABASE_URL is a postgres:// URL. */
    kind: env.DATABASE_URL === undefined ? ('sqlite' as const) : ('postgres' as const),
    url: env.DATABASE_URL,
    sqlitePath: resolve(env.SQLITE_PATH ?? join(env.DATA_DIR, 'aegis.sqlite')),
    migrate: env.DB_MIGRATE,
    /** PostgreSQL only: connections per instance. */
    poolSize: env.DB_POOL_SIZE,
    /** PostgreSQL only: server-side limit per statement (0 = none), with a client-side backstop. */
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT,
    /** PostgreSQL only: how long to wait for a new connection. */
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT,
  }));

export type DatabaseConfig = z.output<typeof databaseSchema>;
