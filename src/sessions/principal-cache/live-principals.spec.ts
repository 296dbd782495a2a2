import { automock } from '../../../test/support/automock';
import { account, NOW, session } from '../../../test/support/auth-fixtures';
import { UnitOfWork } from '../../database/unit-of-work';
import { AuthMetrics } from '../../metrics/auth-metrics';
import { SessionPrincipalRepository } from '../session-principal.repository';
import { LivePrincipals } from './live-principals';
import { PrincipalCache } from './principal-cache';
import { PrincipalCacheFeed } from './principal-cache-feed';
import { SessionUseRecorder } from '../session-use/session-use-recorder';

function setup() {
  const repository = automock(SessionPrincipalRepository);
  repository.findBySessionId.mockImplementation(async () => ({
    session: session(),
    user: account(),
  }));
  const unitOfWork = automock(UnitOfWork);
  unitOfWork.isActive.mockReturnValue(false);
  const feed = automock(PrincipalCacheFeed);
  const cache = new PrincipalCache(10, 5_000);
  cache.resume();
  const uses = automock(SessionUseRecorder);
  const live = new LivePrincipals(cache, feed, repository, unitOfWork, new AuthMetrics(), uses);
  return { live, repository, unitOfWork, feed, cache, uses };
}

describe('LivePrincipals', () => {
  it('reads the database once, then serves the live principal from the cache', async () => {
    const { live, repository, feed } = setup();
    await live.find('s-1', 'u-1', NOW);
    expect(await live.find('s-1', 'u-1', NOW)).toMatchObject({ user: { id: 'u-1' } });
    expect(repository.findBySessionId).toHaveBeenCalledTimes(1);
    // The feed is asked before every lookup (on SQLite: did another process commit?).
    expect(feed.sync).toHaveBeenCalledTimes(2);
  });

  it('never refuses from memory: a cached row that would refuse is read again', async () => {
    const { live, repository } = setup();
    await live.find('s-1', 'u-1', NOW);
    // Another instance's refresh pushed the idle expiry: the cached row says the session is idle now.
    const later = new Date(session().idleExpiresAt.getTime() + 1);
    repository.findBySessionId.mockResolvedValue({
      session: session({ idleExpiresAt: new Date(later.getTime() + 60_000) }),
      user: account(),
    });
    expect(await live.find('s-1', 'u-1', later)).not.toBeNull();
    expect(repository.findBySessionId).toHaveBeenCalledTimes(2);
  });

  it('refuses a subject that is not the session user, even from a warm cache', async () => {
    const { live } = setup();
    await live.find('s-1', 'u-1', NOW);
    expect(await live.find('s-1', 'u-2', NOW)).toBeNull();
  });

  it('reads the database after the session was forgotten', async () => {
    const { live, repository, cache } = setup();
    await live.find('s-1', 'u-1', NOW);
    cache.forget({ userId: 'u-1' });
    repository.findBySessionId.mockResolvedValue({
      session: session(),
      user: account({ isActive: false }),
    });
    expect(await live.find('s-1', 'u-1', NOW)).toBeNull();
  });

  it('bypasses the cache inside a unit of work (its transaction may hold uncommitted writes)', async () => {
    const { live, repository, unitOfWork, cache } = setup();
    unitOfWork.isActive.mockReturnValue(true);
    await live.find('s-1', 'u-1', NOW);
    await live.find('s-1', 'u-1', NOW);
    expect(repository.findBySessionId).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it('reports each accepted request to the use recorder, from memory or from the database, and no refusal', async () => {
    const { live, repository, uses } = setup();
    await live.find('s-1', 'u-1', NOW);
    await live.find('s-1', 'u-1', NOW);
    expect(repository.findBySessionId).toHaveBeenCalledTimes(1);
    expect(uses.seen).toHaveBeenCalledTimes(2);
    expect(uses.seen).toHaveBeenCalledWith('s-1', NOW);
    expect(await live.find('s-1', 'someone-else', NOW)).toBeNull();
    expect(uses.seen).toHaveBeenCalledTimes(2);
  });
});
