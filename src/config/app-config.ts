import { z } from 'zod';
import { appConfigSchema, type AppConfigValues } from './schema/app-config.schema';
import { databaseSchema, type DatabaseConfig } from './schema/database.schema';
import { formatIssue } from './schema/env-fields';

export type { AegisEnv } from './schema/server.schema';
export type { Argon2Config } from './schema/login.schema';
export type { AuditConfig } from './schema/audit.schema';
export type { DatabaseConfig } from './schema/database.schema';
export type { JwtKeySource } from './schema/tokens.schema';

/** A base class without members whose instances TypeScript types as `T`. */
function shapedAs<T extends object>(): abstract new () => T {
  return class {} as unknown as abstract new () => T;
}

/**
 * The validated configuration; its type is the schema's output, so a field the schema does not produce does
 * not type-check. A class only to be Nest's injection token (`constructor(config: AppConfig)`): it has no
 * members of its own, and {@link loadConfig} returns a plain object of its shape.
 */
export abstract class AppConfig extends shapedAs<AppConfigValues>() {}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function parse<T>(schema: z.ZodType<T>, env: Env): T {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(result.error.issues.map(formatIssue));
  return result.data;
}

/**
 * Parses and validates the environment; throws a {@link ConfigError} naming every wrong variable. No side
 * effects: outside production without JWT_SECRET, pass the result to resolveDevelopmentSecrets() at start-up.
 * Never read process.env elsewhere.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  return parse(appConfigSchema, env);
}

/** The database section alone (the TypeORM CLI, tests that open the database themselves). */
export function loadDatabaseConfig(env: Env): DatabaseConfig {
  return parse(databaseSchema, env);
}
