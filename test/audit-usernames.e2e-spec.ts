import { AuditAction } from '../src/audit/audit-action';
import { AuditVerificationService } from '../src/audit/audit-verification.service';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { withTotp } from './factories/mfa.factory';
import { logIn, refreshCookie } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { createTestApp, type TestApp } from './support/test-app';
import { asBearer } from './support/users-admin-rig';

interface EventRow {
  action: string;
  actor_user_id: string | null;
  actor_username: string | null;
  target_username: string | null;
  chain_version: number;
  occurred_at: string;
}

describe('audit events by name (actor_username, target_username)', () => {
  let t: TestApp;
  let admin: AdminFixture;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const as = (bearer: string) => asBearer(t, bearer);
  const events = async (query: string) => {
    const response = await as(admin.bearer).get(`/audit/events?${query}`);
    expect(response.status).toBe(200);
    return response.body.items as EventRow[];
  };

  it('answers "who disabled alice yesterday" in one request, by name in either case', async () => {
    const alice = await createUser(t, { username: 'alice' });
    const since = t.clock.now();
    expect((await as(admin.bearer).post(`/users/${alice.user.id}/disable`)).status).toBe(200);
    t.clock.advance(60_000);

    const found = await events(
      `target_username=ALICE&action=${AuditAction.UserDisabled}&from=${since.toISOString()}`,
    );
    expect(found).toEqual([
      expect.objectContaining({
        action: AuditAction.UserDisabled,
        actor_user_id: admin.user.id,
        actor_username: admin.user.username,
        target_username: 'alice',
        chain_version: 2,
      }),
    ]);
    const byActor = await events(`actor_username=${admin.user.username.toUpperCase()}`);
    expect(byActor.map((event) => event.action)).toContain(AuditAction.UserDisabled);
    expect(byActor.every((event) => event.actor_username === admin.user.username)).toBe(true);
    expect(await events('target_username=alicia')).toEqual([]);
    expect(await t.app.get(AuditVerificationService).verify()).toMatchObject({ ok: true });
  });

  it('names the account on its login', async () => {
    const bob = await createUser(t, { username: 'bob' });
    await logIn(t, bob);
    expect(await events(`actor_username=bob&action=${AuditAction.LoginSuccess}`)).toEqual([
      expect.objectContaining({
        actor_user_id: bob.user.id,
        actor_username: 'bob',
        target_username: 'bob',
      }),
    ]);
  });

  it('names the account on a refresh and on a detected refresh-token reuse', async () => {
    const dave = await createUser(t, { username: 'dave' });
    const session = await logIn(t, dave);
    const refresh = (token: string) =>
      t.http().post('/auth/refresh').set('Cookie', refreshCookie(token));
    expect((await refresh(session.refreshToken)).status).toBe(200);
    t.clock.advance(120_000);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    const found = await events(`actor_username=dave&resource_type=session`);
    expect(found.map((event) => [event.action, event.actor_username])).toEqual([
      [AuditAction.RefreshTokenReused, 'dave'],
      [AuditAction.TokenRefreshed, 'dave'],
    ]);
  });

  it('names the administrator and the account on a lockout clear and a second-factor reset', async () => {
    const carol = await createUser(t, { username: 'carol' });
    await withTotp(t, carol);
    for (let attempt = 0; attempt < 5; attempt++)
      await t.http().post('/auth/login').send({ username: 'carol', password: 'wrong password' });
    expect((await as(admin.bearer).delete(`/users/${carol.user.id}/login-lockout`)).status).toBe(
      204,
    );
    expect((await as(admin.bearer).delete(`/users/${carol.user.id}/mfa`)).status).toBe(204);
    const about = await events('target_username=carol&resource_type=user');
    expect(about.map((event) => [event.action, event.actor_username])).toEqual([
      [AuditAction.MfaReset, admin.user.username],
      [AuditAction.LoginLockoutCleared, admin.user.username],
    ]);
  });

  it('refuses an empty or overlong name (400)', async () => {
    for (const query of ['actor_username=', `target_username=${'a'.repeat(65)}`]) {
      const response = await as(admin.bearer).get(`/audit/events?${query}`);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
