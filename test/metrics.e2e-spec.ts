import { AuditAction } from '../src/audit/audit-action';
import { logIn } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { withFailingAudit } from './support/failing-audit';
import { sample, scrape } from './support/metrics';
import { createTestApp, type TestApp } from './support/test-app';

const LOGIN_LIMIT = 3;

describe('GET /metrics', () => {
  let t: TestApp;
  let alice: UserFixture;
  let ipCounter = 0;
  /** A fresh client IP per login (believed through TRUSTED_PROXIES), so only the burst below hits the limit. */
  const nextIp = () => `198.51.100.${++ipCounter}`;

  beforeAll(async () => {
    t = await createTestApp({
      env: { LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT), TRUSTED_PROXIES: '127.0.0.1' },
      // A login whose audit row cannot be written rolls back: it must not count as a success.
      override: withFailingAudit(
        (event) =>
          event.action === String(AuditAction.LoginSuccess) &&
          event.details.username === 'rolled-back',
      ),
    });
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, ip = nextIp()) =>
    t.http().post('/auth/login').set('X-Forwarded-For', ip).send({ username, password });

  it('is public, Prometheus text, and not cached', async () => {
    const response = await t.http().get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.text).toContain('# TYPE aegis_http_request_duration_seconds histogram');
    expect(response.text).toContain('# TYPE process_cpu_seconds_total counter');
  });

  it('counts logins by outcome, successes only once committed', async () => {
    const before = await scrape(t);
    const logins = (outcome: string, text: string) =>
      sample(text, 'aegis_logins_total', { outcome }) ?? NaN;

    expect((await login(alice.username, alice.password)).status).toBe(200);
    expect((await login(alice.username, 'not the password')).status).toBe(401);
    expect((await login('nobody-at-all', 'not the password')).status).toBe(401);
    const disabled = await createUser(t, { isActive: false });
    expect((await login(disabled.username, disabled.password)).status).toBe(403);
    const rolledBack = await createUser(t, { username: 'rolled-back' });
    expect((await login(rolledBack.username, rolledBack.password)).status).toBe(500);
    const burstIp = nextIp();
    for (let attempt = 0; attempt < LOGIN_LIMIT; attempt++) {
      expect((await login(alice.username, 'wrong again', burstIp)).status).toBe(401);
    }
    expect((await login(alice.username, alice.password, burstIp)).status).toBe(429);

    const after = await scrape(t);
    const delta = (outcome: string) => logins(outcome, after) - logins(outcome, before);
    expect(delta('success')).toBe(1);
    expect(delta('invalid_credentials')).toBe(2 + LOGIN_LIMIT);
    expect(delta('account_disabled')).toBe(1);
    expect(delta('rate_limited')).toBe(1);
  });

  it('counts rotated and grace refreshes and refresh-token reuse', async () => {
    const before = await scrape(t);
    const session = await logIn(t, alice);
    const refresh = (token: string) =>
      t.http().post('/auth/refresh').send({ refresh_token: token });
    expect((await refresh(session.refreshToken)).status).toBe(200); // rotated
    expect((await refresh(session.refreshToken)).status).toBe(200); // retired, inside the grace window
    t.clock.advance(11_000);
    expect((await refresh(session.refreshToken)).status).toBe(401); // after it: reuse
    const after = await scrape(t);

    const delta = (name: string, labels: Record<string, string> = {}) =>
      (sample(after, name, labels) ?? NaN) - (sample(before, name, labels) ?? NaN);
    expect(delta('aegis_token_refreshes_total', { result: 'rotated' })).toBe(1);
    expect(delta('aegis_token_refreshes_total', { result: 'grace' })).toBe(1);
    expect(delta('aegis_refresh_token_reuse_detected_total')).toBe(1);
  });

  it('reports the sessions live right now, read from the database at scrape time', async () => {
    const bob = await createUser(t);
    const before = sample(await scrape(t), 'aegis_live_sessions') ?? NaN;
    const first = await logIn(t, bob);
    await logIn(t, bob);
    expect(sample(await scrape(t), 'aegis_live_sessions')).toBe(before + 2);
    await t.http().post('/auth/logout').set('Authorization', `Bearer ${first.accessToken}`);
    expect(sample(await scrape(t), 'aegis_live_sessions')).toBe(before + 1);
    t.clock.advance(31 * 60_000); // idle TTL is 30m in the test config: every session has expired
    expect(sample(await scrape(t), 'aegis_live_sessions')).toBe(0);
  });

  it('times requests by route template and status; unmatched paths share one label', async () => {
    await t.http().get('/no/such/path/42');
    await t.http().get('/auth/me');
    const text = await scrape(t);
    const count = (labels: Record<string, string>) =>
      sample(text, 'aegis_http_request_duration_seconds_count', labels);
    expect(count({ method: 'POST', route: '/auth/login', status: '200' })).toBeGreaterThan(0);
    expect(count({ method: 'POST', route: '/auth/login', status: '429' })).toBe(1);
    expect(count({ method: 'GET', route: '/auth/me', status: '401' })).toBeGreaterThan(0);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThan(0);
    expect(text).not.toContain('/no/such/path');
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const token = 'scrape-token-0123456789abcdef';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: token } });
  });
  afterAll(() => t.close());

  it('refuses a scrape without the token or with another one, as problem+json', async () => {
    for (const authorization of [undefined, 'Bearer not-the-metrics-token', token]) {
      const request = t.http().get('/metrics');
      if (authorization !== undefined) void request.set('Authorization', authorization);
      const response = await request;
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.code).toBe('UNAUTHENTICATED');
      expect(response.text).not.toContain('aegis_');
    }
  });

  it('answers a scrape with the bearer token', async () => {
    expect(await scrape(t, token)).toContain('aegis_logins_total');
  });
});
