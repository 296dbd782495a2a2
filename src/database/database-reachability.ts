import { Client } from 'pg';
import type { DatabaseConfig } from '../config/app-config';

/** What a driver error code means, in an operator's words. */
const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens on that host and port',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'no answer in time',
  EHOSTUNREACH: 'host unreachable',
  ECONNRESET: 'the server closed the connection',
  '28P01': 'wrong password',
  '28000': 'the role does not exist or may not connect',
  '3D000': 'the database does not exist',
  '42501': 'the role lacks a privilege',
  '57P03': 'the server is starting up or shutting down',
};

/** The URL without its password: what the operator typed, safe for a log. */
export function redactedDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/** Start-up cannot use the database: a message of one or two lines that names DATABASE_URL and the cause. */
export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    const said = cause instanceof Error ? cause.message : String(cause);
    const meaning = typeof code === 'string' ? CAUSES[code] : undefined;
    super(
      `Cannot use the database at DATABASE_URL=${redactedDatabaseUrl(url)}\n  ${
        meaning !== undefined ? `${meaning} (${said})` : said
      }`,
    );
    this.name = 'DatabaseUnreachableError';
  }
}

/**
 * One connection and one query before the application is built, so that a wrong host, port, role, password or
 * database name is reported as such (and not as the framework's retry log with stack traces). SQLite has
 * nothing to reach: its file is created on first use.
 */
export async function assertDatabaseReachable(database: DatabaseConfig): Promise<void> {
  if (database.kind !== 'postgres' || database.url === undefined) return;
  const client = new Client({
    connectionString: database.url,
    connectionTimeoutMillis: database.connectTimeoutMs,
  });
  // A connection that fails later (a server restart while we wait) must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new DatabaseUnreachableError(database.url, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}
