import { randomBytes, randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { Client } from 'pg';
import request from 'supertest';
import { PasswordHasher } from '../../src/common/crypto/password-hasher';
import { AegisProcess, ensureBuilt } from '../support/aegis-process';
import { sample } from '../support/metrics';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Two instances with their principal caches on, one PostgreSQL, one Redis (through a proxy the test can cut):
 * whatever A changes, B refuses on its very next request although B had the session warm in memory — with
 * Redis up or down, and while B has lost the database notifications (B then reads the database).
 */
describe('principal cache across two instances', () => {
  let database: TestDatabase;
  let db: Client;
  let redis: TcpProxy;
  let a: AegisProcess;
  let b: AegisProcess;
  let admin: { bearer: string };
  let ipCounter = 0;
  const nextIp = () => `198.51.100.${++ipCounter}`;

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    const redisUrl = new URL(process.env.TEST_REDIS_URL!);
    redis = await TcpProxy.start(redisUrl.hostname, Number(redisUrl.port || 6379));
    const env = {
      ...database.env,
      AEGIS_ENV: 'test',
      JWT_SECRET: 'principal-cache-secret-long-enough-0123456789',
      REDIS_URL: redis.rewrite(process.env.TEST_REDIS_URL!),
      REDIS_KEY_PREFIX: `aegis-multi:${randomBytes(4).toString('hex')}:`,
      REDIS_CONNECT_TIMEOUT: '500ms',
      REDIS_COMMAND_TIMEOUT: '500ms',
      TRUSTED_PROXIES: '127.0.0.1',
      PRINCIPAL_CACHE_MAX_AGE: '1m',
    };
    a = await AegisProcess.start(env);
    b = await AegisProcess.start({ ...env, DB_MIGRATE: 'false' });
    db = new Client({ connectionString: database.env.DATABASE_URL });
    await db.connect();
    const root = await createAccount('admin');
    admin = { bearer: `Bearer ${(await logInOn(a, root)).access_token}` };
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.end();
    await redis?.close();
    await database?.drop();
  });

  const on = (instance: AegisProcess) => request(instance.url);

  async function createAccount(role = 'user') {
    const hasher = new PasswordHasher({
      argon2: { memoryKiB: 19_456, timeCost: 2, parallelism: 1 },
    });
    const account = {
      id: randomUUID(),
      username: `cache-${randomBytes(4).toString('hex')}`,
      password: `pass phrase ${randomBytes(6).toString('hex')}`,
    };
    await db.query(
      `INSERT INTO users (id, username, password_hash, role, is_active, must_change_password,
         password_changed_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, true, false, now(), now(), now())`,
      [account.id, account.username, await hasher.hash(account.password), role],
    );
    return account;
  }

  async function logInOn(instance: AegisProcess, account: { username: string; password: string }) {
    const response = await on(instance)
      .post('/auth/login')
      .set('X-Forwarded-For', nextIp())
      .send({ username: account.username, password: account.password, client: 'api' });
    expect(response.status).toBe(200);
    return response.body as { access_token: string };
  }

  const me = (instance: AegisProcess, token: string) =>
    on(instance).get('/auth/me').set('Authorization', `Bearer ${token}`);
  const lookups = async (instance: AegisProcess, source: string) =>
    sample((await on(instance).get('/metrics')).text, 'aegis_principal_lookups_total', {
      source,
    }) ?? 0;

  /** Asks B (and A) until each served the session from memory: both caches hold it. */
  async function warmOnBoth(token: string): Promise<void> {
    for (const instance of [a, b]) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const before = await lookups(instance, 'hit');
        expect((await me(instance, token)).status).toBe(200);
        if ((await lookups(instance, 'hit')) > before) break;
        if (Date.now() > deadline) throw new Error('the cache never served the session');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async function warmSession() {
    const account = await createAccount();
    const { access_token: token } = await logInOn(a, account);
    await warmOnBoth(token);
    return { account, token };
  }

  const changesOnA: Array<[string, (who: { id: string }, token: string) => Promise<number>]> = [
    [
      'a logout',
      async (_who, token) =>
        (await on(a).post('/auth/logout').set('Authorization', `Bearer ${token}`)).status,
    ],
    [
      'an administrator disabling the user',
      async (who) =>
        (await on(a).post(`/users/${who.id}/disable`).set('Authorization', admin.bearer)).status,
    ],
    [
      'an administrator ending all sessions of the user',
      async (who) =>
        (await on(a).delete(`/users/${who.id}/sessions`).set('Authorization', admin.bearer)).status,
    ],
  ];

  /** Runs `check` with Redis cut when asked, and waits until both instances are ready again after. */
  async function withRedis(cut: boolean, check: () => Promise<void>): Promise<void> {
    if (!cut) return check();
    redis.cut();
    try {
      await check();
    } finally {
      redis.restore();
    }
    const deadline = Date.now() + 15_000;
    for (const instance of [a, b]) {
      while ((await on(instance).get('/health/ready')).status !== 200) {
        if (Date.now() > deadline) throw new Error('Redis never came back');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  describe.each([
    ['Redis up', false],
    ['Redis cut', true],
  ])('with %s', (_label, cutRedis) => {
    it.each(changesOnA)('B refuses at once after %s on A', async (_change, change) => {
      const { account, token } = await warmSession();
      await withRedis(cutRedis, async () => {
        expect(await change(account, token)).toBeLessThan(300);
        const after = await me(b, token);
        expect(after.status).toBe(401);
        expect(after.body.code).toBe('SESSION_ENDED');
      });
    });

    it('B sees a demotion through A on the next request', async () => {
      const demoted = await createAccount('admin');
      const { access_token: token } = await logInOn(a, demoted);
      await warmOnBoth(token);
      await withRedis(cutRedis, async () => {
        expect((await me(b, token)).body.role).toBe('admin');
        const patched = await on(a)
          .patch(`/users/${demoted.id}`)
          .set('Authorization', admin.bearer)
          .send({ role: 'user' });
        expect(patched.status).toBe(200);
        expect((await me(b, token)).body.role).toBe('user');
        expect((await on(b).get('/users').set('Authorization', `Bearer ${token}`)).status).toBe(
          403,
        );
      });
    });
  });

  it('B shows a second factor enrolled and removed through A on the next request', async () => {
    const { token } = await warmSession();
    const bearer = `Bearer ${token}`;
    expect((await me(b, token)).body.mfa_enabled).toBe(false);
    const begun = await on(a).post('/auth/mfa/totp').set('Authorization', bearer).send({});
    expect(begun.status).toBe(201);
    const code = new TOTP({ secret: Secret.fromBase32(begun.body.secret as string) }).generate();
    const confirmed = await on(a)
      .post(`/auth/mfa/totp/${begun.body.id}/confirm`)
      .set('Authorization', bearer)
      .send({ code });
    expect(confirmed.status).toBe(200);
    expect((await me(b, token)).body.mfa_enabled).toBe(true);
    await warmOnBoth(token);
    const removed = await on(a).delete(`/auth/mfa/${begun.body.id}`).set('Authorization', bearer);
    expect(removed.status).toBe(204);
    expect((await me(b, token)).body.mfa_enabled).toBe(false);
  });

  it('B reads the database while it has lost the notifications, and caches again once they are back', async () => {
    const { token } = await warmSession();
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'aegis-principal-listener' AND datname = current_database()`,
    );
    // Both instances notice at once (the connection is reset) and stop serving from memory.
    const bypassed = await lookups(b, 'bypass');
    expect((await me(b, token)).status).toBe(200);
    expect(await lookups(b, 'bypass')).toBe(bypassed + 1);

    // A change made now sends a notification nobody hears: B must not answer from its old entry.
    expect((await on(a).post('/auth/logout').set('Authorization', `Bearer ${token}`)).status).toBe(
      200,
    );
    const after = await me(b, token);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('SESSION_ENDED');

    // The listeners reconnect by themselves; B serves from memory again, and invalidation still holds.
    const next = await warmSession();
    expect(
      (await on(a).post('/auth/logout').set('Authorization', `Bearer ${next.token}`)).status,
    ).toBe(200);
    expect((await me(b, next.token)).status).toBe(401);
  }, 30_000);
});
