import { Injectable, Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AsyncMutex, LockWaitTimeoutError } from './async-mutex';
import { DatabaseBusyError } from './database-busy.error';

/** Longest wait for SQLite's transaction queue when no statement timeout is configured. */
const DEFAULT_QUEUE_WAIT_MS = 10_000;

interface Scope {
  /** Started lazily by the first database call, so work done before it (hashing) holds no transaction. */
  transaction?: Promise<OpenTransaction>;
  onCommit: Array<() => void>;
  onEnd: Array<() => void>;
  beforeCommit: Array<() => Promise<void>>;
  independent: Array<() => Promise<void>>;
}

interface OpenTransaction {
  runner: QueryRunner;
  release?: () => void;
}

/**
 * The unit of work: a transaction carried by AsyncLocalStorage, so every repository call made while
 * serving a state-changing request joins it, and audit rows commit or roll back with the change.
 *
 * On SQLite, TypeORM runs every transaction on its single connection, so two transactions interleaved by
 * `await` corrupt each other (one's BEGIN fails inside the other, or one commits the other's writes): there,
 * transactions are serialised by a FIFO lock, and a turn not reached within the statement timeout is a 503.
 * PostgreSQL gets one pooled connection per transaction and needs no lock.
 */
@Injectable()
export class UnitOfWork {
  private readonly logger = new Logger(UnitOfWork.name);
  private readonly storage = new AsyncLocalStorage<Scope>();
  private readonly sqliteLock?: AsyncMutex;
  private readonly queueWaitMs: number;

  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    if (dataSource.options.type === 'better-sqlite3') this.sqliteLock = new AsyncMutex();
    this.queueWaitMs = config.database.statementTimeoutMs || DEFAULT_QUEUE_WAIT_MS;
  }

  /**
   * Runs `work` as one transaction: committed when it resolves, rolled back when it throws. Refuses to run
   * inside an open transaction: on SQLite the inner one would wait forever for the lock the outer one holds.
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.storage.getStore()?.transaction) {
      throw new Error('UnitOfWork.run() called inside an open transaction');
    }
    const scope: Scope = { onCommit: [], onEnd: [], beforeCommit: [], independent: [] };
    try {
      const result = await this.storage.run(scope, work);
      // By index: a pre-commit step may register another.
      for (let index = 0; index < scope.beforeCommit.length; index++) {
        await this.storage.run(scope, scope.beforeCommit[index]);
      }
      if (scope.transaction) await this.commit(scope.transaction);
      for (const callback of scope.onCommit) callback();
      return result;
    } catch (error) {
      if (scope.transaction) await this.rollback(scope.transaction);
      throw error;
    } finally {
      for (const callback of scope.onEnd) callback();
      for (const work of scope.independent) {
        await this.run(work).catch((error: unknown) =>
          this.logger.error(
            'An independent write failed',
            error instanceof Error ? error.stack : String(error),
          ),
        );
      }
    }
  }

  /**
   * Runs `work` inside the current unit of work's transaction right before it commits, after everything else
   * (outside a unit of work: at once, in a transaction of its own). For a write that takes a lock every
   * transaction contends for, such as the audit chain's: taken last, it is held only for the commit, and never
   * while waiting for another lock (no deadlock). Dropped on rollback; a failure rolls the unit of work back.
   */
  async beforeCommit(work: () => Promise<void>): Promise<void> {
    const scope = this.storage.getStore();
    if (!scope) return this.run(work);
    scope.beforeCommit.push(work);
  }

  /** Whether the caller runs inside a unit of work (its reads must then go through its transaction). */
  isActive(): boolean {
    return this.storage.getStore() !== undefined;
  }

  /** The EntityManager to use now: the current unit of work's transaction, or the plain connection outside one. */
  async manager(): Promise<EntityManager> {
    const scope = this.storage.getStore();
    if (!scope) return this.dataSource.manager;
    scope.transaction ??= this.begin();
    return (await scope.transaction).runner.manager;
  }

  /**
   * Runs `work` in its own transaction that commits whatever happens to the current request's transaction:
   * the audit row of a refused login, the revocation of a session whose refresh token was replayed.
   * Inside an open transaction it runs right after that transaction ends (a second connection could
   * wait on rows the first one holds, and on SQLite there is no second connection).
   */
  async runIndependently(work: () => Promise<void>): Promise<void> {
    const scope = this.storage.getStore();
    if (scope?.transaction) {
      scope.independent.push(work);
      return;
    }
    await this.run(work);
  }

  /**
   * Runs `work` in a transaction of its own, committed before this returns, and hands back its result: a
   * security counter that must hold whatever the request does next (a password attempt counted before the
   * password is checked). Only before the current unit of work has opened its transaction (in a guard, or as
   * a handler's first database step): afterwards, on SQLite, it would wait for the lock its own request
   * holds, so it refuses instead of hanging.
   */
  async runSeparately<T>(work: () => Promise<T>): Promise<T> {
    if (this.storage.getStore()?.transaction) {
      throw new Error('runSeparately() must run before the unit of work opens its transaction');
    }
    return this.run(work);
  }

  /**
   * {@link runIndependently} for work that is one statement (a counter's UPSERT or DELETE). A single statement
   * commits atomically by itself, so on PostgreSQL it runs outside any transaction, on a pooled connection:
   * no BEGIN and COMMIT round trips. On SQLite it is an ordinary independent transaction: the one connection
   * may be inside another request's transaction, which a statement run outside the lock would join.
   */
  async runStatementIndependently(statement: () => Promise<void>): Promise<void> {
    if (this.sqliteLock) return this.runIndependently(statement);
    const scope = this.storage.getStore();
    if (scope?.transaction) {
      scope.independent.push(() => this.storage.exit(statement));
      return;
    }
    await this.storage.exit(statement);
  }

  /**
   * {@link runSeparately} for work made of statements that each stand alone (a conditional UPSERT, then a read
   * that only explains its answer): on PostgreSQL without BEGIN and COMMIT, as for
   * {@link runStatementIndependently}; on SQLite a transaction of its own.
   */
  async runStatementsSeparately<T>(work: () => Promise<T>): Promise<T> {
    if (this.storage.getStore()?.transaction) {
      throw new Error(
        'runStatementsSeparately() must run before the unit of work opens its transaction',
      );
    }
    return this.sqliteLock ? this.run(work) : this.storage.exit(work);
  }

  /**
   * Runs `work` in the current unit of work when there is one, else as a unit of work of its own: for code
   * called both from Aegis's handlers and from a library serving requests outside them (the OpenID provider).
   */
  async join<T>(work: () => Promise<T>): Promise<T> {
    return this.storage.getStore() ? work() : this.run(work);
  }

  /** Runs `callback` once the current unit of work has committed (at once outside one); dropped on rollback. */
  onCommit(callback: () => void): void {
    const scope = this.storage.getStore();
    if (scope) scope.onCommit.push(callback);
    else callback();
  }

  /**
   * Runs `callback` once the current unit of work has ended, committed or rolled back, before its caller
   * goes on (at once outside one): to undo what was set up for a transaction whatever its outcome.
   */
  onEnd(callback: () => void): void {
    const scope = this.storage.getStore();
    if (scope) scope.onEnd.push(callback);
    else callback();
  }

  private async begin(): Promise<OpenTransaction> {
    const release = this.sqliteLock
      ? await this.sqliteLock.acquire(this.queueWaitMs).catch((error: unknown) => {
          throw error instanceof LockWaitTimeoutError ? new DatabaseBusyError() : error;
        })
      : undefined;
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      return { runner, release };
    } catch (error) {
      await runner.release().catch(() => undefined);
      release?.();
      throw error;
    }
  }

  private async commit(pending: Promise<OpenTransaction>): Promise<void> {
    const transaction = await pending;
    try {
      await transaction.runner.commitTransaction();
    } catch (error) {
      await this.rollback(pending);
      throw error;
    }
    await this.end(transaction);
  }

  private async rollback(pending: Promise<OpenTransaction>): Promise<void> {
    const transaction = await pending.catch(() => undefined);
    if (!transaction) return;
    if (transaction.runner.isTransactionActive) {
      await transaction.runner
        .rollbackTransaction()
        .catch((error: unknown) =>
          this.logger.error(
            'Rollback failed',
            error instanceof Error ? error.stack : String(error),
          ),
        );
    }
    await this.end(transaction);
  }

  private async end(transaction: OpenTransaction): Promise<void> {
    if (transaction.runner.isReleased) return;
    try {
      await transaction.runner.release();
    } finally {
      transaction.release?.();
    }
  }
}
