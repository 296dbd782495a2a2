import { Client } from 'pg';
import type { Response } from 'supertest';
import { AuditAction } from '../../src/audit/audit-action';
import { logIn, type LoggedIn } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { auditEvents } from '../support/audit';
import { setCookiesOf } from '../support/cookies';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The app reaches PostgreSQL only through a proxy the test can cut; the shared server is never touched. */
describe('PostgreSQL unreachable or too slow', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let alice: UserFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    const direct = new URL(database.env.DATABASE_URL);
    proxy = await TcpProxy.start(direct.hostname, Number(direct.port || 5432));
    t = await createTestApp({
      database,
      env: {
        DATABASE_URL: proxy.rewrite(database.env.DATABASE_URL),
        DB_CONNECT_TIMEOUT: '1s',
        DB_STATEMENT_TIMEOUT: '1s',
      },
    });
    alice = await createUser(t);
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await database.drop();
  });

  const login = () =>
    t.http().post('/auth/login').send({ username: alice.username, password: alice.password });
  const refresh = (session: LoggedIn) =>
    t.http().post('/auth/refresh').send({ refresh_token: session.refreshToken });
  const me = (session: LoggedIn) =>
    t.http().get('/auth/me').set('Authorization', `Bearer ${session.accessToken}`);

  /** 503 problem+json with Retry-After, no cookie, nothing from the driver. */
  function expectUnavailable(response: Response): void {
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      request_id: response.headers['x-request-id'],
    });
    expect(setCookiesOf(response)).toEqual({});
    // The request id is random hex and may contain "5432": everything but it must say nothing of the driver.
    const shown = { ...(response.body as Record<string, unknown>), request_id: undefined };
    expect(JSON.stringify(shown)).not.toMatch(/ECONN|timeout|Connection|stack|at |5432|postgres/i);
  }

  async function expectRecovered(session: LoggedIn): Promise<void> {
    expect((await t.http().get('/health/ready')).status).toBe(200);
    expect((await me(session)).status).toBe(200);
    // The refresh refused during the outage rotated nothing: the same token still works.
    const refreshed = await refresh(session);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));
    expect((await login()).status).toBe(200);
  }

  it.each([
    ['unreachable (connections reset and refused)', () => proxy.cut()],
    ['partitioned (connections never answered: timeouts)', () => proxy.blackhole()],
  ])(
    'while %s: 503 on login, refresh and authenticated routes; not ready; recovers by itself',
    async (_name, takeAway) => {
      const session = await logIn(t, alice);
      takeAway();
      try {
        expectUnavailable(await login());
        expectUnavailable(await refresh(session));
        // An outage must not read as "your session ended" (401): clients would log their users out.
        expectUnavailable(await me(session));
        const ready = await t.http().get('/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({ code: 'NOT_READY', detail: 'unreachable: database' });
        expect((await t.http().get('/health/live')).status).toBe(200);
      } finally {
        proxy.restore();
      }
      await expectRecovered(session);
    },
  );

  it('a statement over DB_STATEMENT_TIMEOUT (a lock held elsewhere) is a 503, rolled back', async () => {
    const session = await logIn(t, alice);
    const locker = new Client({ connectionString: database.env.DATABASE_URL });
    await locker.connect();
    const loginsBefore = (await auditEvents(t, { action: AuditAction.LoginSuccess })).length;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE');
      expectUnavailable(await login());
      expectUnavailable(await me(session));
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    expect(await auditEvents(t, { action: AuditAction.LoginSuccess })).toHaveLength(loginsBefore);
    await expectRecovered(session);
  });
});
