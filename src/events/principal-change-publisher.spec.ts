import type { DataSource, QueryRunner } from 'typeorm';
import { account, NOW, session } from '../../test/support/auth-fixtures';
import { principalChangesInto } from '../../test/support/principal-events';
import type { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { PrincipalCache } from '../sessions/principal-cache/principal-cache';

/** A real unit of work over a query-runner double (PostgreSQL: no queue). */
function setup() {
  const runner = {
    isTransactionActive: false,
    isReleased: false,
    manager: {},
    connect: async () => undefined,
    startTransaction: async () => void (runner.isTransactionActive = true),
    commitTransaction: async () => void (runner.isTransactionActive = false),
    rollbackTransaction: async () => void (runner.isTransactionActive = false),
    release: async () => void (runner.isReleased = true),
  };
  const dataSource = {
    options: { type: 'postgres' },
    createQueryRunner: () => runner as unknown as QueryRunner,
  } as unknown as DataSource;
  const unitOfWork = new UnitOfWork(dataSource, {
    database: { statementTimeoutMs: 0 },
  } as AppConfig);
  const cache = new PrincipalCache(10, 60_000);
  cache.resume();
  const live = { session: session(), user: account() };
  const revoked = { session: session({ revokedAt: NOW }), user: account() };
  return { unitOfWork, cache, changes: principalChangesInto(cache, unitOfWork), live, revoked };
}

describe('PrincipalChangePublisher (with the principal cache listening)', () => {
  it('forgets the target before the write, keeps no read until the transaction commits, and forgets it again then', async () => {
    const { unitOfWork, cache, changes, live, revoked } = setup();
    cache.store(cache.ticket(), live);
    await unitOfWork.run(async () => {
      await unitOfWork.manager();
      await changes.write({ sessionId: 's-1' }, async () => undefined);
      expect(cache.get('s-1')).toBeUndefined();
      // A concurrent request reads the old row before the commit: it must not be kept.
      cache.store(cache.ticket(), live);
      expect(cache.get('s-1')).toBeUndefined();
    });
    cache.store(cache.ticket(), revoked);
    expect(cache.get('s-1')?.session.revokedAt).toEqual(NOW);
  });

  it('after a rollback, forgets what a read saw of the uncommitted write', async () => {
    const { unitOfWork, cache, changes, live, revoked } = setup();
    const ticket = cache.ticket();
    await expect(
      unitOfWork.run(async () => {
        await unitOfWork.manager();
        await changes.write({ userId: 'u-1' }, async () => undefined);
        cache.store(cache.ticket(), revoked);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    cache.store(ticket, live);
    expect(cache.get('s-1')).toBeUndefined();
    cache.store(cache.ticket(), live);
    expect(cache.get('s-1')?.session.revokedAt).toBeNull();
  });

  it('outside a unit of work, ends the write when its statement has run, even when it fails', async () => {
    const { cache, changes, live } = setup();
    await expect(
      changes.write('all', async () => {
        throw new Error('statement failed');
      }),
    ).rejects.toThrow('statement failed');
    cache.store(cache.ticket(), live);
    expect(cache.get('s-1')).toBeDefined();
  });
});
