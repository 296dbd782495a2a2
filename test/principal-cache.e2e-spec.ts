import { runCli } from '../src/cli/run-cli';
import { Role } from '../src/common/access/role';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { enrolTotp } from './factories/mfa.factory';
import { logIn, type LoggedIn } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { sample, scrape } from './support/metrics';
import { expectProblem } from './support/security';
import { createTestApp, type TestApp } from './support/test-app';

/**
 * The principal cache saves the database read of warm sessions, and every change that must refuse them still
 * does so on the very next request: each test warms the cache first (a hit is counted), then changes the
 * account or session, then asks again.
 */
describe('principal cache: revocation stays immediate with a warm cache', () => {
  let t: TestApp;
  let admin: AdminFixture;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const me = (session: LoggedIn) =>
    t.http().get('/auth/me').set('Authorization', `Bearer ${session.accessToken}`);
  const lookups = async (source: string) =>
    sample(await scrape(t), 'aegis_principal_lookups_total', { source }) ?? 0;

  /** Asks until a request is served from the cache (on PostgreSQL, once its listener is in place). */
  async function warm(session: LoggedIn): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const before = await lookups('hit');
      expect((await me(session)).status).toBe(200);
      if ((await lookups('hit')) > before) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the principal cache never served this session');
  }

  async function warmUser(): Promise<{ who: UserFixture; session: LoggedIn }> {
    const who = await createUser(t);
    const session = await logIn(t, who);
    await warm(session);
    return { who, session };
  }

  it('serves a warm session from memory, without reading the database', async () => {
    const { session } = await warmUser();
    const [hits, misses] = [await lookups('hit'), await lookups('miss')];
    for (let i = 0; i < 3; i++) expect((await me(session)).status).toBe(200);
    expect(await lookups('hit')).toBe(hits + 3);
    expect(await lookups('miss')).toBe(misses);
  });

  it('refuses a session on the request after its logout', async () => {
    const { session } = await warmUser();
    const bearer = `Bearer ${session.accessToken}`;
    expect((await t.http().post('/auth/logout').set('Authorization', bearer)).status).toBe(200);
    expectProblem(await me(session), 401, 'SESSION_ENDED');
  });

  it('refuses every session of the user on the request after logout-all', async () => {
    const { who, session } = await warmUser();
    const other = await logIn(t, who);
    await warm(other);
    const bearer = `Bearer ${session.accessToken}`;
    expect((await t.http().post('/auth/logout-all').set('Authorization', bearer)).status).toBe(200);
    expectProblem(await me(session), 401, 'SESSION_ENDED');
    expectProblem(await me(other), 401, 'SESSION_ENDED');
  });

  it('refuses a session an administrator ended, on its next request', async () => {
    const { who, session } = await warmUser();
    const ended = await t
      .http()
      .delete(`/users/${who.user.id}/sessions/${session.sessionId}`)
      .set('Authorization', admin.bearer);
    expect(ended.status).toBe(204);
    expectProblem(await me(session), 401, 'SESSION_ENDED');
  });

  it('refuses a disabled user on the next request', async () => {
    const { who, session } = await warmUser();
    const disabled = await t
      .http()
      .post(`/users/${who.user.id}/disable`)
      .set('Authorization', admin.bearer);
    expect(disabled.status).toBe(200);
    expectProblem(await me(session), 401, 'SESSION_ENDED');
  });

  it('refuses a demoted administrator the admin routes on the next request, and shows the new role', async () => {
    const demoted = await createAdmin(t);
    expect(
      (await t.http().get('/test-probe/admin').set('Authorization', demoted.bearer)).status,
    ).toBe(200);
    await warm(demoted.session);
    const patched = await t
      .http()
      .patch(`/users/${demoted.user.id}`)
      .set('Authorization', admin.bearer)
      .send({ role: Role.User });
    expect(patched.status).toBe(200);
    expectProblem(
      await t.http().get('/test-probe/admin').set('Authorization', demoted.bearer),
      403,
      'INSUFFICIENT_ROLE',
    );
    expect((await me(demoted.session)).body.role).toBe(Role.User);
  });

  it("a password change refuses the user's other sessions on their next request", async () => {
    const { who, session } = await warmUser();
    const other = await logIn(t, who);
    await warm(other);
    const changed = await t
      .http()
      .post('/auth/change-password')
      .set('Authorization', `Bearer ${session.accessToken}`)
      .send({ current_password: who.password, new_password: 'a brand new passphrase' });
    expect(changed.status).toBe(200);
    expectProblem(await me(other), 401, 'SESSION_ENDED');
    expect((await me(session)).status).toBe(200);
  });

  it('an administrator password reset ends the sessions and sets must-change-password at once', async () => {
    const { who, session } = await warmUser();
    const reset = await t
      .http()
      .post(`/users/${who.user.id}/reset-password`)
      .set('Authorization', admin.bearer);
    expect(reset.status).toBe(200);
    expectProblem(await me(session), 401, 'SESSION_ENDED');
  });

  it('shows a second factor enrolled, then removed, on the next request (mfa_enabled)', async () => {
    const { session } = await warmUser();
    expect((await me(session)).body.mfa_enabled).toBe(false);
    const { factorId } = await enrolTotp(t, session);
    await warm(session);
    expect((await me(session)).body).toMatchObject({ mfa_enabled: true });
    const bearer = `Bearer ${session.accessToken}`;
    const removed = await t.http().delete(`/auth/mfa/${factorId}`).set('Authorization', bearer);
    expect(removed.status).toBe(204);
    expect((await me(session)).body).toMatchObject({ mfa_enabled: false });
  });

  it('a second factor removed straight in the database is seen on the next request', async () => {
    const { session } = await warmUser();
    await enrolTotp(t, session);
    await warm(session);
    expect((await me(session)).body).toMatchObject({ mfa_enabled: true });
    await t.dataSource.query(
      `DELETE FROM mfa_factors WHERE user_id = '${(await me(session)).body.id}'`,
    );
    await settleNotifications();
    expect((await me(session)).body).toMatchObject({ mfa_enabled: false });
  });

  it('a write straight to the database (SQL on the same connection) is seen on the next request', async () => {
    const { who, session } = await warmUser();
    await t.dataSource.query(`UPDATE users SET is_active = false WHERE id = '${who.user.id}'`);
    await settleNotifications();
    expectProblem(await me(session), 401, 'SESSION_ENDED');
  });

  it('a CLI command run while the server serves (another process, another connection) is seen at once', async () => {
    const { who, session } = await warmUser();
    const out: string[] = [];
    const code = await runCli(
      ['users:disable', '--username', who.username],
      {
        ...t.database.env,
        JWT_SECRET: 'cli-secret-that-is-long-enough-0123456789',
        LOG_LEVEL: 'error',
      },
      { out: (line) => out.push(line), err: (line) => out.push(line) },
    );
    expect({ code, out }).toMatchObject({ code: 0 });
    await settleNotifications();
    expectProblem(await me(session), 401, 'SESSION_ENDED');
  });
});

/**
 * PostgreSQL tells the listening connection of a commit at the same moment it answers the writer, so a write
 * made outside the app (the SQL above, the CLI) reaches the cache a few hundred microseconds later at most;
 * a request sent over the network after the writer's answer is later than that. Here the test process is
 * both, so it yields to the event loop once. SQLite needs nothing: the check before each lookup is synchronous.
 */
const settleNotifications = () => new Promise((resolve) => setTimeout(resolve, 20));
