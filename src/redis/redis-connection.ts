import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** Reconnect backoff: quick at first, then every two seconds for as long as Redis is away. */
const MAX_RECONNECT_DELAY_MS = 2_000;
const RECONNECT_STEP_MS = 100;
/** How long `quit` may take at shutdown before the socket is simply closed. */
const QUIT_TIMEOUT_MS = 1_000;

/**
 * The one Redis connection of an instance when REDIS_URL is set (`client` is undefined otherwise).
 * Every key gets REDIS_KEY_PREFIX. Commands fail within REDIS_COMMAND_TIMEOUT while Redis is away, so a
 * request that needs Redis gets a prompt 503 instead of hanging; the client keeps reconnecting, so the
 * service recovers on its own. It is closed at application shutdown, after the HTTP server has drained:
 * an in-flight login still reaches Redis during SIGTERM.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client?: Redis;
  private readonly logger = new Logger('Redis');
  private reachable = true;

  constructor(config: AppConfig) {
    if (config.redisUrl === undefined) return;
    this.client = new Redis(config.redisUrl, {
      keyPrefix: config.redisKeyPrefix,
      connectTimeout: config.redisConnectTimeoutMs,
      // How long a dropped connection's socket may linger half-closed (ioredis' default is 2 s).
      disconnectTimeout: config.redisConnectTimeoutMs,
      commandTimeout: config.redisCommandTimeoutMs,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * RECONNECT_STEP_MS, MAX_RECONNECT_DELAY_MS),
    });
    // Without a listener ioredis prints every failed reconnect; one warning per outage is enough.
    this.client.on('error', (error: Error) => {
      if (!this.reachable) return;
      this.reachable = false;
      this.logger.warn(`Redis unreachable, reconnecting: ${error.message}`);
    });
    this.client.on('ready', () => {
      if (this.reachable) return;
      this.reachable = true;
      this.logger.log('Redis reachable again');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    if (!client || client.status === 'end') return;
    const quit = client.quit().then(
      () => true,
      () => false,
    );
    const timeout = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), QUIT_TIMEOUT_MS).unref(),
    );
    if (!(await Promise.race([quit, timeout]))) client.disconnect();
  }
}
