import { setup, touch } from '../../test/support/unit-of-work-double';

describe('UnitOfWork, one-statement writes', () => {
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
