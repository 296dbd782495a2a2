import { logIn } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { setCookiesOf } from '../support/cookies';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestApp, type TestApp } from '../support/test-app';

/** Polls `check` until it holds (Redis reconnects with a backoff of at most 2 s); fails after `limitMs`. */
async function eventually(check: () => Promise<boolean>, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Redis configured but unreachable: the login rate limit cannot be counted, so login fails closed (503);
 * everything that does not need Redis goes on, because the database holds the truth.
 */
describe('Redis unreachable while configured', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let alice: UserFixture;

  beforeAll(async () => {
    const redis = new URL(process.env.TEST_REDIS_URL!);
    proxy = await TcpProxy.start(redis.hostname, Number(redis.port || 6379));
    t = await createTestApp({
      env: {
        REDIS_URL: proxy.rewrite(process.env.TEST_REDIS_URL!),
        REDIS_CONNECT_TIMEOUT: '500ms',
        REDIS_COMMAND_TIMEOUT: '500ms',
      },
    });
    alice = await createUser(t);
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
  });

  const login = () =>
    t.http().post('/auth/login').send({ username: alice.username, password: alice.password });

  it.each([
    ['unreachable (connections reset and refused)', () => proxy.cut()],
    ['partitioned (connections never answered: timeouts)', () => proxy.blackhole()],
  ])(
    'while %s: login 503, authenticated requests and refresh work, not ready; recovers by itself',
    async (_name, takeAway) => {
      const session = await logIn(t, alice);
      const bearer = `Bearer ${session.accessToken}`;
      takeAway();
      try {
        const refused = await login();
        expect(refused.status).toBe(503);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.headers['retry-after']).toBe('5');
        expect(refused.body.code).toBe('SERVICE_UNAVAILABLE');
        expect(setCookiesOf(refused)).toEqual({});

        expect((await t.http().get('/auth/me').set('Authorization', bearer)).status).toBe(200);
        expect((await t.http().post('/test-probe/write').set('Authorization', bearer)).status).toBe(
          200,
        );
        const refreshed = await t
          .http()
          .post('/auth/refresh')
          .send({ refresh_token: session.refreshToken });
        expect(refreshed.status).toBe(200);
        expect((await t.http().post('/auth/logout').set('Authorization', bearer)).status).toBe(200);
        expect((await t.http().get('/auth/me').set('Authorization', bearer)).status).toBe(401);

        const ready = await t.http().get('/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({ code: 'NOT_READY', detail: 'unreachable: redis' });
      } finally {
        proxy.restore();
      }
      await eventually(async () => (await t.http().get('/health/ready')).status === 200);
      expect((await login()).status).toBe(200);
    },
  );
});
