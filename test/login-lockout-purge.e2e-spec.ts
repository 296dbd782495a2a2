import { LoginLockout } from '../src/auth/lockout/login-lockout.entity';
import { LoginLockoutPurgeService } from '../src/auth/lockout/login-lockout-purge.service';
import { createTestApp, type TestApp } from './support/test-app';

describe('purging idle login counters', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('forgets counters of sprayed usernames once they can no longer refuse anything', async () => {
    for (const name of ['spray-one', 'spray-two', 'spray-three']) {
      expect(
        (await t.http().post('/auth/login').send({ username: name, password: 'guess guess' }))
          .status,
      ).toBe(401);
    }
    const counters = t.dataSource.getRepository(LoginLockout);
    expect(await counters.count()).toBe(3);
    const purge = t.app.get(LoginLockoutPurgeService);

    expect(await purge.purge()).toBe(0);
    t.clock.advance(61 * 60_000); // longer than the longest backoff (1 h)
    await t.http().post('/auth/login').send({ username: 'spray-fresh', password: 'guess guess' });
    expect(await purge.purge()).toBe(3);
    expect(await counters.count()).toBe(1);
  });
});
