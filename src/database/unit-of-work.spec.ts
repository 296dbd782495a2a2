import { setup, touch } from '../../test/support/unit-of-work-double';
import { DatabaseBusyError } from './database-busy.error';

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
});
