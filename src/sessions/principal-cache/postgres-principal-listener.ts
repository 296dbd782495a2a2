import type { Logger } from '@nestjs/common';
import { Client, type ClientConfig } from 'pg';
import type { PrincipalCache, PrincipalTarget } from './principal-cache';

/** The channel the database triggers notify (see the PrincipalChangeNotifications migration). */
export const PRINCIPAL_CHANNEL = 'aegis_principal';
/** First reconnect after the listening connection is lost; doubled per failed attempt up to the maximum. */
const RECONNECT_DELAY_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 5_000;
/** A partition that resets nothing leaves a connection that looks open: a round trip this often proves it. */
const HEARTBEAT_MS = 1_000;

/** What a notification's payload names: `s:<session id>`, `u:<user id>`, or `*` (a table was truncated). */
export function targetOf(payload: string | undefined): PrincipalTarget {
  if (payload?.startsWith('s:')) return { sessionId: payload.slice(2) };
  if (payload?.startsWith('u:')) return { userId: payload.slice(2) };
  return 'all';
}

/**
 * Keeps the principal cache in step with PostgreSQL on every instance: one dedicated connection LISTENs to
 * the channel the triggers on `sessions` and `users` notify. NOTIFY is transactional — sent when the writing
 * transaction commits, never on rollback — and comes from every writer (any instance, the CLI, an operator's
 * SQL), so no publish can be skipped or fail apart from the write. While the connection is not listening
 * (not yet connected, lost, failing its heartbeat) the cache is suspended and every request reads the
 * database; once LISTEN is in place again the cache restarts empty, so a notification missed meanwhile
 * cannot leave a stale entry.
 */
export class PostgresPrincipalListener {
  private client?: Client;
  private attempt = 0;
  private stopped = false;
  private reconnect?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly clientConfig: ClientConfig,
    private readonly cache: PrincipalCache,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    clearInterval(this.heartbeat);
    this.cache.suspend();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const client = new Client(this.clientConfig);
    this.client = client;
    client.on('notification', (message) => this.cache.forget(targetOf(message.payload)));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${PRINCIPAL_CHANNEL}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.client !== client) return;
    if (this.attempt > 0) this.logger.log('Principal cache: listening for changes again');
    this.attempt = 0;
    this.cache.resume();
    this.heartbeat = setInterval(() => {
      client.query('SELECT 1').catch(() => this.lost(client));
    }, HEARTBEAT_MS).unref();
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.cache.suspend();
    clearInterval(this.heartbeat);
    client.end().catch(() => undefined);
    if (this.stopped) return;
    if (this.attempt === 0)
      this.logger.warn(
        'Principal cache: change notifications lost; reading the database until back',
      );
    const delay = Math.min(RECONNECT_DELAY_MS * 2 ** this.attempt, MAX_RECONNECT_DELAY_MS);
    this.attempt++;
    this.reconnect = setTimeout(() => void this.open(), delay).unref();
  }
}
