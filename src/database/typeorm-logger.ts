import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

/** SQL text is capped: a log line is for finding the statement, not for replaying it. */
const MAX_QUERY_CHARS = 500;

function short(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUERY_CHARS ? `${flat.slice(0, MAX_QUERY_CHARS)}…` : flat;
}

/** TypeORM reports each migration it ran only in this schema-build message (fake runs are not applied). */
const MIGRATION_APPLIED = /^Migration (\S+) has been executed successfully\.$/;

function messageOf(error: string | Error): string {
  return typeof error === 'string' ? error : error.message;
}

/**
 * TypeORM's logs, through the application logger (JSON, redacted) instead of the console.
 * Query parameters are never logged: they carry password hashes, refresh-token hashes and usernames.
 * A failed query is a warning here; whoever handles the error decides whether it is one.
 */
export class TypeOrmLogger implements Logger {
  private readonly logger = new NestLogger('TypeORM');
  private readonly applied: string[] = [];

  /** The migrations this process ran at start-up, in order, for the start line. */
  get appliedMigrations(): readonly string[] {
    return this.applied;
  }

  /** Every statement would be a line (and a string copy on the hot path): not logged. */
  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    this.logger.warn(`Query failed: ${messageOf(error)} (${short(query)})`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${short(query)}`);
  }

  /** The migrations applied are named in the start line (main.ts), once, at the default level. */
  logSchemaBuild(message: string): void {
    const migration = MIGRATION_APPLIED.exec(message)?.[1];
    if (migration !== undefined) this.applied.push(migration);
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (level === 'warn') this.logger.warn(text);
    else this.logger.log(text);
  }
}
