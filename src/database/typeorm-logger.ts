import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

/** SQL text is capped: a log line is for finding the statement, not for replaying it. */
const MAX_QUERY_CHARS = 500;

function short(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUERY_CHARS ? `${flat.slice(0, MAX_QUERY_CHARS)}…` : flat;
}

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

  /** Every statement would be a line (and a string copy on the hot path): not logged. */
  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    this.logger.warn(`Query failed: ${messageOf(error)} (${short(query)})`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${short(query)}`);
  }

  logSchemaBuild(message: string): void {
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
