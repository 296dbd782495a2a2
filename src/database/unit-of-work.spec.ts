import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { DatabaseBusyError } from './database-busy.error';
import { UnitOfWork } from './unit-of-work';

/** A DataSource double that records what each query runner was asked to do, in order. */
function fakeDataSource(type: 'better-sqlite3' | 'postgres', failCommit = false) {
  const log: string[] = [];
  let runners = 0;
  const dataSource = {
    options: { type },
    manager: { name: 'plain' } as unknown as EntityManager,
    createQueryRunner: () => {
      const id = ++runners;
      const runner = {
        isTransactionActive: false,
        isReleased: false,
        manager: { name: `tx${id}` } as unknown as EntityManager,
        connect: async () => undefined,
        startTransaction: async () => {
          log.push(`begin ${id}`);
          runner.isTransactionActive = true;
        },
        commitTransaction: async () => {
          log.push(`commit ${id}`);
          if (failCommit) throw new Error('commit failed');
          runner.isTransactionActive = false;
        },
        rollbackTransaction: async () => {
          log.push(`rollback ${id}`);
          runner.isTransactionActive = false;
        },
        release: async () => {
          log.push(`release ${id}`);
          runner.isReleased = true;
        },
      };
      return runner as unknown as QueryRunner;
    },
  };
  return { dataSource: dataSource as unknown as DataSource, log };
}

function setup(
  type: 'better-sqlite3' | 'postgres' = 'better-sqlite3',
  { failCommit = false, queueWaitMs = 10_000 } = {},
) {
  const { dataSource, log } = fakeDataSource(type, failCommit);
  const config = { database: { statementTimeoutMs: queueWaitMs } } as AppConfig;
  return { unitOfWork: new UnitOfWork(dataSource, config), log };
}

const touch = async (unitOfWork: UnitOfWork) =>
  (await unitOfWork.manager()) as unknown as { name: string };

describe('UnitOfWork', () => {
  it('opens no transaction until the first database call, then commits it and runs onCommit after COMMIT', async () => {
    const { unitOfWork, log } = setup();
    const result = await unitOfWork.run(async () => {
      unitOfWork.onCommit(() => log.push('onCommit'));
      expect(log).toEqual([]);
      expect((await touch(unitOfWork)).name).toBe('tx1');
      expect((await touch(unitOfWork)).name).toBe('tx1');
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual(['begin 1', 'commit 1', 'release 1', 'onCommit']);
  });

  it('runs onCommit callbacks of a unit of work that never touched the database', async () => {
    const { unitOfWork, log } = setup();
    await unitOfWork.run(async () => unitOfWork.onCommit(() => log.push('onCommit')));
    expect(log).toEqual(['onCommit']);
  });

  it('uses the plain connection outside a unit of work, where onCommit runs at once', async () => {
    const { unitOfWork, log } = setup();
    expect((await touch(unitOfWork)).name).toBe('plain');
    unitOfWork.onCommit(() => log.push('at once'));
    expect(log).toEqual(['at once']);
  });

  it('runs no onCommit callback when the COMMIT fails (no cookie, no metric), and rethrows', async () => {
    const { unitOfWork, log } = setup('postgres', { failCommit: true });
    await expect(
      unitOfWork.run(async () => {
        await touch(unitOfWork);
        unitOfWork.onCommit(() => log.push('onCommit'));
      }),
    ).rejects.toThrow('commit failed');
    expect(log).not.toContain('onCommit');
    expect(log).toEqual(['begin 1', 'commit 1', 'rollback 1', 'release 1']);
  });

  it('rolls back when the work throws, dropping onCommit and beforeCommit work', async () => {
    const { unitOfWork, log } = setup();
    await expect(
      unitOfWork.run(async () => {
        await touch(unitOfWork);
        unitOfWork.onCommit(() => log.push('onCommit'));
        await unitOfWork.beforeCommit(async () => void log.push('beforeCommit'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(log).toEqual(['begin 1', 'rollback 1', 'release 1']);
  });

  it('runs independent work after a rollback, in a transaction of its own that commits', async () => {
    const { unitOfWork, log } = setup();
    await expect(
      unitOfWork.run(async () => {
        await touch(unitOfWork);
        await unitOfWork.runIndependently(async () => {
          log.push(`independent in ${(await touch(unitOfWork)).name}`);
        });
        expect(log).toEqual(['begin 1']); // deferred: the request's transaction is still open
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(log).toEqual([
      'begin 1',
      'rollback 1',
      'release 1',
      'begin 2',
      'independent in tx2',
      'commit 2',
      'release 2',
    ]);
  });

  it('runs independent work at once before the request has opened its transaction', async () => {
    const { unitOfWork, log } = setup();
    await unitOfWork.run(async () => {
      await unitOfWork.runIndependently(async () => void (await touch(unitOfWork)));
      expect(log).toEqual(['begin 1', 'commit 1', 'release 1']);
    });
  });

  it('logs a failed independent write and keeps the request outcome', async () => {
    const { unitOfWork } = setup();
    const logged = jest.spyOn(unitOfWork['logger'], 'error').mockImplementation(() => undefined);
    await expect(
      unitOfWork.run(async () => {
        await touch(unitOfWork);
        await unitOfWork.runIndependently(async () => {
          throw new Error('audit down');
        });
        return 'ok';
      }),
    ).resolves.toBe('ok');
    expect(logged).toHaveBeenCalledWith(
      'An independent write failed',
      expect.stringContaining('audit down'),
    );
  });

  it('runs beforeCommit work after the handler, in registration order (one may add another), then commits', async () => {
    const { unitOfWork, log } = setup();
    await unitOfWork.run(async () => {
      await touch(unitOfWork);
      await unitOfWork.beforeCommit(async () => {
        log.push('first');
        await unitOfWork.beforeCommit(async () => void log.push('added by first'));
      });
      await unitOfWork.beforeCommit(
        async () => void log.push(`second in ${(await touch(unitOfWork)).name}`),
      );
      log.push('handler done');
    });
    expect(log).toEqual([
      'begin 1',
      'handler done',
      'first',
      'second in tx1',
      'added by first',
      'commit 1',
      'release 1',
    ]);
  });

  it('rolls back when beforeCommit work fails', async () => {
    const { unitOfWork, log } = setup();
    await expect(
      unitOfWork.run(async () => {
        await touch(unitOfWork);
        unitOfWork.onCommit(() => log.push('onCommit'));
        await unitOfWork.beforeCommit(async () => {
          throw new Error('chain append failed');
        });
      }),
    ).rejects.toThrow('chain append failed');
    expect(log).toEqual(['begin 1', 'rollback 1', 'release 1']);
  });

  it('runs beforeCommit work outside a unit of work at once, in its own transaction', async () => {
    const { unitOfWork, log } = setup();
    await unitOfWork.beforeCommit(async () => void (await touch(unitOfWork)));
    expect(log).toEqual(['begin 1', 'commit 1', 'release 1']);
  });

  it.each(['better-sqlite3', 'postgres'] as const)(
    'on %s, refuses a nested run() inside an open transaction instead of waiting forever',
    async (type) => {
      const { unitOfWork } = setup(type);
      await expect(
        unitOfWork.run(async () => {
          await touch(unitOfWork);
          await unitOfWork.run(async () => touch(unitOfWork));
        }),
      ).rejects.toThrow('inside an open transaction');
    },
  );

  it('refuses runSeparately() once the transaction is open, and allows it before', async () => {
    const { unitOfWork } = setup();
    await unitOfWork.run(async () => {
      await expect(unitOfWork.runSeparately(async () => 1)).resolves.toBe(1);
      await touch(unitOfWork);
      await expect(unitOfWork.runSeparately(async () => 2)).rejects.toThrow(
        'must run before the unit of work opens its transaction',
      );
    });
  });

  it('on SQLite serialises transactions: the second begins only after the first has ended', async () => {
    const { unitOfWork, log } = setup();
    let finishFirst!: () => void;
    const first = unitOfWork.run(async () => {
      await touch(unitOfWork);
      await new Promise<void>((resolve) => (finishFirst = resolve));
    });
    const second = unitOfWork.run(async () => void (await touch(unitOfWork)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['begin 1']);
    finishFirst();
    await Promise.all([first, second]);
    expect(log).toEqual(['begin 1', 'commit 1', 'release 1', 'begin 2', 'commit 2', 'release 2']);
  });

  it('on SQLite, a wait in the transaction queue longer than the limit ends in a 503 error, and the queue moves on', async () => {
    const { unitOfWork, log } = setup('better-sqlite3', { queueWaitMs: 30 });
    let finishFirst!: () => void;
    const first = unitOfWork.run(async () => {
      await touch(unitOfWork);
      await new Promise<void>((resolve) => (finishFirst = resolve));
    });
    const waiting = unitOfWork.run(async () => void (await touch(unitOfWork)));
    const error: unknown = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseBusyError);
    expect(error).toMatchObject({ kind: 'unavailable', options: { retryAfterSeconds: 5 } });
    finishFirst();
    await first;
    await unitOfWork.run(async () => void (await touch(unitOfWork)));
    expect(log).toEqual(['begin 1', 'commit 1', 'release 1', 'begin 2', 'commit 2', 'release 2']);
  });

  it('on PostgreSQL runs transactions side by side (one pooled connection each)', async () => {
    const { unitOfWork, log } = setup('postgres');
    let finishFirst!: () => void;
    const first = unitOfWork.run(async () => {
      await touch(unitOfWork);
      await new Promise<void>((resolve) => (finishFirst = resolve));
    });
    await unitOfWork.run(async () => void (await touch(unitOfWork)));
    expect(log).toEqual(['begin 1', 'begin 2', 'commit 2', 'release 2']);
    finishFirst();
    await first;
  });

  it('on PostgreSQL runs a one-statement independent write on the plain connection after the transaction, with no BEGIN or COMMIT', async () => {
    const { unitOfWork, log } = setup('postgres');
    await unitOfWork.run(async () => {
      await touch(unitOfWork);
      await unitOfWork.runStatementIndependently(async () => {
        log.push(`statement on ${(await touch(unitOfWork)).name}`);
      });
      log.push('work done');
    });
    expect(log).toEqual(['begin 1', 'work done', 'commit 1', 'release 1', 'statement on plain']);
  });

  it('on SQLite keeps a one-statement independent write in a transaction of its own, behind the lock', async () => {
    const { unitOfWork, log } = setup('better-sqlite3');
    await unitOfWork.run(async () => {
      await touch(unitOfWork);
      await unitOfWork.runStatementIndependently(async () => {
        log.push(`statement on ${(await touch(unitOfWork)).name}`);
      });
    });
    expect(log).toEqual([
      'begin 1',
      'commit 1',
      'release 1',
      'begin 2',
      'statement on tx2',
      'commit 2',
      'release 2',
    ]);
  });

  it('runs standalone statements before the transaction on the plain connection (PostgreSQL) and refuses after it opened', async () => {
    const { unitOfWork, log } = setup('postgres');
    await unitOfWork.run(async () => {
      const name = await unitOfWork.runStatementsSeparately(
        async () => (await touch(unitOfWork)).name,
      );
      expect(name).toBe('plain');
      await touch(unitOfWork);
      await expect(unitOfWork.runStatementsSeparately(async () => undefined)).rejects.toThrow(
        'must run before',
      );
    });
    expect(log).toEqual(['begin 1', 'commit 1', 'release 1']);
  });
});
