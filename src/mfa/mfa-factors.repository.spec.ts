import { account, NOW, session } from '../../test/support/auth-fixtures';
import { principalChangesInto } from '../../test/support/principal-events';
import type { UnitOfWork } from '../database/unit-of-work';
import { PrincipalCache } from '../sessions/principal-cache/principal-cache';
import { FactorKind, MfaFactor } from './entities/mfa-factor.entity';
import { MfaFactorsRepository } from './mfa-factors.repository';

/**
 * The principal a request sees carries "has a confirmed second factor": each write that can change it must empty
 * the user's cached principals while it runs, so no request serves the old answer from memory once it returns.
 */
function setup() {
  const cache = new PrincipalCache(10, 60_000);
  cache.resume();
  cache.store(cache.ticket(), { session: session(), user: account({ hasSecondFactor: true }) });
  /** What the cache served while each write ran. */
  const seenDuringWrite: unknown[] = [];
  const write = async () => {
    seenDuringWrite.push(cache.get('s-1'));
    return { affected: 1, raw: [] };
  };
  const builder = {
    update: () => builder,
    set: () => builder,
    where: () => builder,
    andWhere: () => builder,
    execute: write,
  };
  const manager = {
    insert: write,
    delete: write,
    countBy: async () => 1,
    createQueryBuilder: () => builder,
  };
  const unitOfWork = {
    isActive: () => false,
    manager: async () => manager,
  } as unknown as UnitOfWork;
  const repository = new MfaFactorsRepository(unitOfWork, principalChangesInto(cache, unitOfWork));
  return { cache, repository, seenDuringWrite };
}

const factor = () =>
  Object.assign(new MfaFactor(), {
    id: 'f-1',
    userId: 'u-1',
    kind: FactorKind.WebAuthn,
    confirmedAt: NOW,
  });

describe('MfaFactorsRepository: writes that change "has a second factor"', () => {
  it.each([
    ['a factor added', (r: MfaFactorsRepository) => r.insert(factor())],
    ['a factor confirmed', (r: MfaFactorsRepository) => r.confirm('u-1', 'f-1', 1, NOW)],
    ['a factor removed', (r: MfaFactorsRepository) => r.deleteOfUser('u-1', 'f-1')],
    ['every factor removed', (r: MfaFactorsRepository) => r.deleteAllOfUser('u-1')],
  ])(
    "%s: the user's cached principal is gone during the write and after it",
    async (_what, change) => {
      const { cache, repository, seenDuringWrite } = setup();
      expect(cache.get('s-1')).toBeDefined();
      await change(repository);
      expect(seenDuringWrite).toEqual([undefined]);
      expect(cache.get('s-1')).toBeUndefined();
    },
  );

  it("leaves other users' principals cached", async () => {
    const { cache, repository } = setup();
    await repository.deleteOfUser('u-2', 'f-9');
    expect(cache.get('s-1')).toBeDefined();
  });
});
