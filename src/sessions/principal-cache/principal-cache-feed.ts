import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { PostgresPrincipalListener } from './postgres-principal-listener';
import { PrincipalCache } from './principal-cache';

/** How long the listening connection's heartbeat may take before the connection counts as lost. */
const HEARTBEAT_TIMEOUT_MS = 2_000;

interface PluckedStatement {
  get(): unknown;
}

/**
 * Tells the principal cache about writes that did not go through PrincipalChangePublisher (another process's, an operator's SQL).
 * - SQLite: `PRAGMA data_version` changes whenever another connection (the CLI, another process) commits to the
 *   file, and `total_changes()` whenever this process's own connection writes anything, however it was written
 *   (TypeORM keeps one connection). Both are read before every lookup (synchronous statements, a few
 *   microseconds) and any change empties the cache: SQLite serves one instance, whose writes are few next to its
 *   reads.
 * - PostgreSQL: notifications from the database's triggers, see PostgresPrincipalListener.
 * The cache stays suspended (every lookup reads the database) until the feed is in place.
 */
@Injectable()
export class PrincipalCacheFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PrincipalCache');
  private dataVersion?: PluckedStatement;
  private totalChanges?: PluckedStatement;
  private lastDataVersion?: unknown;
  private lastTotalChanges?: unknown;
  private listener?: PostgresPrincipalListener;

  constructor(
    private readonly cache: PrincipalCache,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.cache.capacity === 0) return;
    const { database } = this.config;
    if (this.dataSource.options.type === 'better-sqlite3') {
      const driver = this.dataSource.driver as unknown as {
        databaseConnection: { prepare(sql: string): { pluck(): PluckedStatement } };
      };
      this.dataVersion = driver.databaseConnection.prepare('PRAGMA data_version').pluck();
      this.totalChanges = driver.databaseConnection.prepare('SELECT total_changes()').pluck();
      this.lastDataVersion = this.dataVersion.get();
      this.lastTotalChanges = this.totalChanges.get();
      this.cache.resume();
    } else if (this.dataSource.options.type === 'postgres' && database.url !== undefined) {
      this.listener = new PostgresPrincipalListener(
        {
          connectionString: database.url,
          application_name: 'aegis-principal-listener',
          connectionTimeoutMillis: database.connectTimeoutMs,
          query_timeout: Math.min(database.connectTimeoutMs, HEARTBEAT_TIMEOUT_MS),
          keepAlive: true,
        },
        this.cache,
        this.logger,
      );
      this.listener.start();
    }
  }

  /** Called before every lookup: on SQLite, empties the cache if anything was written since. */
  sync(): void {
    if (this.dataVersion === undefined || this.totalChanges === undefined) return;
    const version = this.dataVersion.get();
    const changes = this.totalChanges.get();
    if (version === this.lastDataVersion && changes === this.lastTotalChanges) return;
    this.lastDataVersion = version;
    this.lastTotalChanges = changes;
    this.cache.forget('all');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }
}
