import { AuditAction } from '../src/audit/audit-action';
import { User } from '../src/users/entities/user.entity';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { accessCookie, logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { createTestApp, type TestApp } from './support/test-app';
import { asBearer } from './support/users-admin-rig';

describe('user administration', () => {
  let t: TestApp;
  let admin: AdminFixture;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const as = (bearer: string) => asBearer(t, bearer);

  describe('GET and PATCH /users/:id', () => {
    it('returns one user, 404 for an unknown id and 400 for a malformed one', async () => {
      const user = await createUser(t);
      const response = await as(admin.bearer).get(`/users/${user.user.id}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: user.user.id, username: user.username });
      expect(
        (await as(admin.bearer).get('/users/00000000-0000-4000-8000-000000000000')).body.code,
      ).toBe('USER_NOT_FOUND');
      expect((await as(admin.bearer).get('/users/not-a-uuid')).status).toBe(400);
    });

    it('updates display_name with a before/after audit row, and refuses unknown fields', async () => {
      const user = await createUser(t);
      const response = await as(admin.bearer).patch(`/users/${user.user.id}`, {
        display_name: 'New Name',
      });
      expect(response.status).toBe(200);
      expect(response.body.display_name).toBe('New Name');
      const updated = await auditEvents(t, {
        action: AuditAction.UserUpdated,
        resourceId: user.user.id,
      });
      expect(updated[0].details).toMatchObject({
        display_name_before: null,
        display_name_after: 'New Name',
      });

      for (const body of [
        { password_hash: 'x' },
        { role: null },
        { is_active: null },
        { username: 'renamed' },
        { must_change_password: false },
        {},
      ]) {
        expect((await as(admin.bearer).patch(`/users/${user.user.id}`, body)).status).toBe(400);
      }
      const stored = await t.dataSource.getRepository(User).findOneByOrFail({ id: user.user.id });
      expect(stored.username).toBe(user.username);
    });
  });

  describe('disable, enable and reset', () => {
    it('disabling ends every session at once: the open browser session is refused on its next request', async () => {
      const user = await createUser(t);
      const browser = await logIn(t, user);
      const api = await logIn(t, user);
      const disabled = await as(admin.bearer).post(`/users/${user.user.id}/disable`);
      expect(disabled.status).toBe(200);
      expect(disabled.body.is_active).toBe(false);

      expect(
        (await t.http().get('/auth/me').set('Cookie', accessCookie(browser.accessToken))).status,
      ).toBe(401);
      expect(
        (await t.http().post('/auth/refresh').send({ refresh_token: api.refreshToken })).status,
      ).toBe(401);
      expect(
        (
          await t
            .http()
            .post('/auth/login')
            .send({ username: user.username, password: user.password })
        ).status,
      ).toBe(403);
      const events = await auditEvents(t, {
        action: AuditAction.UserDisabled,
        resourceId: user.user.id,
      });
      expect(events[0].details).toMatchObject({
        is_active_before: true,
        is_active_after: false,
        sessions_revoked: 2,
      });

      expect((await as(admin.bearer).post(`/users/${user.user.id}/enable`)).body.is_active).toBe(
        true,
      );
      expect(
        (
          await t
            .http()
            .post('/auth/login')
            .send({ username: user.username, password: user.password })
        ).status,
      ).toBe(200);
      expect(
        await auditEvents(t, { action: AuditAction.UserEnabled, resourceId: user.user.id }),
      ).toHaveLength(1);
    });

    it('resets a password: one-time password returned once, all sessions ended, change forced', async () => {
      const user = await createUser(t);
      const session = await logIn(t, user);
      const response = await as(admin.bearer).post(`/users/${user.user.id}/reset-password`);
      expect(response.status).toBe(200);
      expect(response.body.user.must_change_password).toBe(true);
      const password = response.body.one_time_password as string;

      expect(
        (await t.http().get('/auth/me').set('Authorization', `Bearer ${session.accessToken}`))
          .status,
      ).toBe(401);
      expect(
        (
          await t
            .http()
            .post('/auth/login')
            .send({ username: user.username, password: user.password })
        ).status,
      ).toBe(401);
      const fresh = await logIn(t, { username: user.username, password });
      const me = await t.http().get('/auth/me').set('Authorization', `Bearer ${fresh.accessToken}`);
      expect(me.body.must_change_password).toBe(true);
      const reset = await auditEvents(t, {
        action: AuditAction.PasswordReset,
        resourceId: user.user.id,
      });
      expect(reset[0].details).toMatchObject({ sessions_revoked: 1 });
      expect(JSON.stringify(reset)).not.toContain(password);
    });
  });

  describe('sessions of a user (admin)', () => {
    it('lists, ends one (404 for a foreign id) and ends all', async () => {
      const user = await createUser(t);
      const first = await logIn(t, user);
      const second = await logIn(t, user);
      const list = await as(admin.bearer).get(`/users/${user.user.id}/sessions`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((session: { id: string }) => session.id).sort()).toEqual(
        [first.sessionId, second.sessionId].sort(),
      );
      expect(list.body.next_cursor).toBeNull();
      expect(list.body.items[0]).toEqual({
        id: expect.any(String),
        created_at: expect.any(String),
        last_used_at: expect.any(String),
        expires_at: expect.any(String),
        ip: '127.0.0.1',
        user_agent: null,
      });

      expect(
        (
          await as(admin.bearer).delete(
            `/users/${user.user.id}/sessions/${admin.session.sessionId}`,
          )
        ).status,
      ).toBe(404);
      expect(
        (await as(admin.bearer).delete(`/users/${user.user.id}/sessions/${first.sessionId}`))
          .status,
      ).toBe(204);
      expect(
        (await t.http().get('/auth/me').set('Authorization', `Bearer ${first.accessToken}`)).status,
      ).toBe(401);
      expect(
        (await t.http().get('/auth/me').set('Authorization', `Bearer ${second.accessToken}`))
          .status,
      ).toBe(200);

      const all = await as(admin.bearer).delete(`/users/${user.user.id}/sessions`);
      expect(all.body).toEqual({ revoked: 1 });
      expect(
        (await t.http().get('/auth/me').set('Authorization', `Bearer ${second.accessToken}`))
          .status,
      ).toBe(401);
      expect((await as(admin.bearer).get(`/users/${user.user.id}/sessions`)).body).toEqual({
        items: [],
        next_cursor: null,
      });
      expect(
        (await auditEvents(t, { action: AuditAction.SessionRevoked, resourceId: user.user.id }))
          .length,
      ).toBe(2);
    });

    it('pages through many sessions newest first, each once, with limit and cursor', async () => {
      const user = await createUser(t);
      const opened: string[] = [];
      for (let index = 0; index < 5; index++) {
        opened.push((await logIn(t, user)).sessionId);
        t.clock.advance(1_000);
      }
      // Two sessions opened at the same instant: the id orders them, and neither is lost at a page edge.
      opened.push((await logIn(t, user)).sessionId, (await logIn(t, user)).sessionId);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor === null ? 'limit=2' : `limit=2&cursor=${cursor}`;
        const page = await as(admin.bearer).get(`/users/${user.user.id}/sessions?${query}`);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((session: { id: string }) => session.id));
        cursor = page.body.next_cursor as string | null;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(4);
      expect([...seen].sort()).toEqual([...opened].sort());
      expect(seen.slice(0, 2).sort()).toEqual(opened.slice(5).sort());
      expect(seen.slice(2)).toEqual(opened.slice(0, 5).reverse());
    });

    it('refuses a cursor it did not issue and a limit out of range (400)', async () => {
      const user = await createUser(t);
      for (const query of ['cursor=bm90LWEtY3Vyc29y', 'limit=0', 'limit=201']) {
        const response = await as(admin.bearer).get(`/users/${user.user.id}/sessions?${query}`);
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
      }
    });
  });
});
