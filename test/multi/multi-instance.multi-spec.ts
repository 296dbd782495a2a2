import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request, { type Response } from 'supertest';
import { PasswordHasher } from '../../src/common/crypto/password-hasher';
import { AegisProcess, ensureBuilt } from '../support/aegis-process';
import { setCookiesOf } from '../support/cookies';
import { sample } from '../support/metrics';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const LOGIN_LIMIT = 4;
const RACES = 8;

interface Account {
  id: string;
  username: string;
  password: string;
}

/**
 * Two Aegis processes (`node dist/src/main.js`, different ports) on one PostgreSQL database and one Redis,
 * as behind a load balancer. Nothing may rest on in-process state.
 */
describe('two instances, one PostgreSQL, one Redis', () => {
  let database: TestDatabase;
  let db: Client;
  let a: AegisProcess;
  let b: AegisProcess;
  let ipCounter = 0;
  /** A client IP of its own per test (X-Forwarded-For, believed from 127.0.0.1), so limits do not mix. */
  const nextIp = () => `203.0.113.${++ipCounter}`;

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    const env = {
      ...database.env,
      AEGIS_ENV: 'test',
      JWT_SECRET: 'multi-instance-secret-long-enough-0123456789',
      REDIS_URL: process.env.TEST_REDIS_URL!,
      REDIS_KEY_PREFIX: `aegis-multi:${randomBytes(4).toString('hex')}:`,
      LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT),
      TRUSTED_PROXIES: '127.0.0.1',
      LOG_LEVEL: 'log',
    };
    // A migrates the database; B starts on it without migrating, as in a rolling deploy.
    a = await AegisProcess.start(env);
    b = await AegisProcess.start({ ...env, DB_MIGRATE: 'false' });
    db = new Client({ connectionString: database.env.DATABASE_URL });
    await db.connect();
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.end();
    await database?.drop();
  });

  const on = (instance: AegisProcess) => request(instance.url);

  /** There is no admin API on this branch: accounts are written straight into the shared database. */
  async function createAccount(): Promise<Account> {
    const hasher = new PasswordHasher({
      argon2: { memoryKiB: 19_456, timeCost: 2, parallelism: 1 },
    });
    const account = {
      id: randomUUID(),
      username: `user-${randomBytes(4).toString('hex')}`,
      password: `pass phrase ${randomBytes(6).toString('hex')}`,
    };
    await db.query(
      `INSERT INTO users (id, username, password_hash, role, is_active, must_change_password,
         password_changed_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'user', true, false, now(), now(), now())`,
      [account.id, account.username, await hasher.hash(account.password)],
    );
    return account;
  }

  async function logInOn(instance: AegisProcess, account: Account) {
    const response = await on(instance)
      .post('/auth/login')
      .set('X-Forwarded-For', nextIp())
      .send({ username: account.username, password: account.password, client: 'api' });
    expect(response.status).toBe(200);
    return response.body as { access_token: string; refresh_token: string };
  }

  const me = (instance: AegisProcess, accessToken: string) =>
    on(instance).get('/auth/me').set('Authorization', `Bearer ${accessToken}`);
  const refresh = (instance: AegisProcess, refreshToken: string) =>
    on(instance).post('/auth/refresh').send({ refresh_token: refreshToken });

  it('both are ready, with the database and Redis', async () => {
    for (const instance of [a, b]) {
      const ready = await on(instance).get('/health/ready');
      expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    }
  });

  it('a session opened on A works on B: access token and refresh token', async () => {
    const alice = await createAccount();
    const tokens = await logInOn(a, alice);
    const onB = await me(b, tokens.access_token);
    expect(onB.status).toBe(200);
    expect(onB.body.id).toBe(alice.id);
    expect((await refresh(b, tokens.refresh_token)).status).toBe(200);
  });

  it('a logout on A is refused on B at the very next request', async () => {
    const bob = await createAccount();
    const tokens = await logInOn(a, bob);
    expect((await me(b, tokens.access_token)).status).toBe(200);

    const logout = await on(a)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${tokens.access_token}`);
    expect(logout.status).toBe(200);

    const after = await me(b, tokens.access_token);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('SESSION_ENDED');
    expect((await refresh(b, tokens.refresh_token)).status).toBe(401);
  });

  it('a user disabled through A is refused on B at the very next request', async () => {
    const carol = await createAccount();
    const tokens = await logInOn(b, carol);
    expect((await me(b, tokens.access_token)).status).toBe(200);

    // This branch has no admin API: the disable is the write the admin endpoint will make, done in the
    // database A uses. What is under test is that B caches nothing about the user.
    await db.query('UPDATE users SET is_active = false WHERE id = $1', [carol.id]);

    expect((await me(b, tokens.access_token)).status).toBe(401);
    expect((await refresh(b, tokens.refresh_token)).status).toBe(401);
    const again = await on(a)
      .post('/auth/login')
      .set('X-Forwarded-For', nextIp())
      .send({ username: carol.username, password: carol.password });
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('ACCOUNT_DISABLED');
  });

  it('counts the per-IP login limit across A and B together', async () => {
    const ip = nextIp();
    const attempt = (instance: AegisProcess) =>
      on(instance)
        .post('/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ username: 'mallory', password: 'a guessed password' });
    // Alternating: each instance alone sees only half of the attempts, far below the limit.
    for (let i = 0; i < LOGIN_LIMIT; i++) {
      expect((await attempt(i % 2 === 0 ? a : b)).status).toBe(401);
    }
    const limitedOnA = await attempt(a);
    const limitedOnB = await attempt(b);
    expect([limitedOnA.status, limitedOnB.status]).toEqual([429, 429]);
    expect(limitedOnB.body.code).toBe('LOGIN_RATE_LIMITED');
    // Another client IP is not affected.
    expect((await logInOn(b, await createAccount())).access_token).toEqual(expect.any(String));
  });

  it('a refresh token raced on A and B at once never yields two valid successors', async () => {
    const dave = await createAccount();
    for (let race = 0; race < RACES; race++) {
      const tokens = await logInOn(a, dave);
      const responses: Response[] = await Promise.all([
        refresh(a, tokens.refresh_token),
        refresh(b, tokens.refresh_token),
      ]);
      // Each is 200 (one rotated, the other inside the reuse grace window: access token only) or 401.
      for (const response of responses) expect([200, 401]).toContain(response.status);
      // Every refresh token handed out, in a body or a cookie.
      const successors = new Set(
        responses
          .flatMap((response) => [
            (response.body as { refresh_token?: string }).refresh_token,
            setCookiesOf(response).aegis_refresh?.value,
          ])
          .filter((token): token is string => token !== undefined),
      );
      expect(successors.size).toBe(1);

      // The one successor is the session's current token: it rotates again, on either instance.
      const next = await refresh(race % 2 === 0 ? b : a, [...successors][0]);
      expect(next.status).toBe(200);
      expect(next.body.refresh_token).toEqual(expect.any(String));
    }
  });

  it('reports the same live sessions on both instances (counted in the database)', async () => {
    const [onA, onB] = await Promise.all(
      [a, b].map(async (instance) => (await on(instance).get('/metrics')).text),
    );
    const live = sample(onA, 'aegis_live_sessions');
    expect(live).toBeGreaterThan(0);
    expect(sample(onB, 'aegis_live_sessions')).toBe(live);
  });
});
