import { AuditAction } from '../src/audit/audit-action';
import { UnitOfWork } from '../src/database/unit-of-work';
import { User } from '../src/users/entities/user.entity';
import { Role } from '../src/common/access/role';
import { UserAdministrationService } from '../src/users/user-administration.service';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { accessCookie, logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/test-app';

describe('user administration', () => {
  let t: TestApp;
  let admin: AdminFixture;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const as = (bearer: string) => ({
    get: (path: string) => t.http().get(path).set('Authorization', bearer),
    post: (path: string, body?: object) =>
      t.http().post(path).set('Authorization', bearer).send(body),
    patch: (path: string, body: object) =>
      t.http().patch(path).set('Authorization', bearer).send(body),
    delete: (path: string) => t.http().delete(path).set('Authorization', bearer),
  });

  describe('POST /users', () => {
    it('creates a user with a one-time password returned once; the user must change it at first login', async () => {
      const response = await as(admin.bearer).post('/users', {
        username: 'Olivia',
        role: 'user',
        display_name: 'Olivia O.',
      });
      expect(response.status).toBe(201);
      expect(response.body.user).toMatchObject({
        username: 'olivia',
        display_name: 'Olivia O.',
        role: 'user',
        is_active: true,
        must_change_password: true,
      });
      const password = response.body.one_time_password as string;
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect(JSON.stringify(response.body)).not.toMatch(/argon2|hash/);

      const stored = await t.dataSource
        .getRepository(User)
        .findOneByOrFail({ id: response.body.user.id });
      expect(stored.passwordHash).not.toContain(password);
      const session = await logIn(t, { username: 'olivia', password });
      const blocked = await t
        .http()
        .get('/auth/sessions')
        .set('Authorization', `Bearer ${session.accessToken}`);
      expect(blocked.status).toBe(403);
      expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');

      const created = await auditEvents(t, {
        action: AuditAction.UserCreated,
        resourceId: response.body.user.id,
      });
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({
        actorUserId: admin.user.id,
        details: {
          username: 'olivia',
          role: 'user',
          password_generated: true,
          target_username: 'olivia',
        },
      });
      expect(JSON.stringify(created)).not.toContain(password);
    });

    it('accepts a chosen password (still forcing a change) and applies the password policy to it', async () => {
      const ok = await as(admin.bearer).post('/users', {
        username: 'pat',
        role: 'admin',
        password: 'a perfectly fine passphrase',
      });
      expect(ok.status).toBe(201);
      expect(ok.body.one_time_password).toBeUndefined();
      expect(ok.body.user.must_change_password).toBe(true);

      for (const [password, code] of [
        ['short', 'PASSWORD_TOO_SHORT'],
        ['the user quinn is here', 'PASSWORD_CONTAINS_USERNAME'],
        ['x'.repeat(129), 'PASSWORD_TOO_LONG'],
      ]) {
        const response = await as(admin.bearer).post('/users', {
          username: 'quinn',
          role: 'user',
          password,
        });
        expect(response.status).toBe(400);
        expect(response.body.code).toBe(code);
        expect(response.body.errors[0].field).toBe('password');
      }
      expect(await t.dataSource.getRepository(User).countBy({ username: 'quinn' })).toBe(0);
    });

    it('refuses a duplicate username after normalisation with 409', async () => {
      await as(admin.bearer).post('/users', { username: 'alice', role: 'user' });
      for (const username of ['Alice', 'ＡＬＩＣＥ', 'alice']) {
        const response = await as(admin.bearer).post('/users', { username, role: 'user' });
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('USERNAME_TAKEN');
      }
    });

    it.each([
      ['an unknown role', { username: 'rob', role: 'superuser' }, 'role'],
      [
        'a mass-assigned flag',
        { username: 'rob', role: 'user', must_change_password: false },
        'must_change_password',
      ],
      ['a too-short username', { username: 'ab', role: 'user' }, 'username'],
      ['a bidi override in the username', { username: 'ro\u202Eb', role: 'user' }, 'username'],
      [
        'a control character in display_name',
        { username: 'rob', role: 'user', display_name: 'Rob\u0000' },
        'display_name',
      ],
    ])('rejects %s with 400 naming the field', async (_label, body, field) => {
      const response = await as(admin.bearer).post('/users', body);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });
  });

  describe('access control', () => {
    it('answers anonymous callers 401 and non-admins 403, auditing ACCESS_DENIED', async () => {
      expect((await t.http().get('/users')).status).toBe(401);
      const user = await createUser(t);
      const session = await logIn(t, user);
      for (const response of [
        await as(`Bearer ${session.accessToken}`).get('/users'),
        await as(`Bearer ${session.accessToken}`).post('/users', {
          username: 'sneaky',
          role: 'admin',
        }),
        await as(`Bearer ${session.accessToken}`).patch(`/users/${user.user.id}`, {
          role: 'admin',
        }),
      ]) {
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('INSUFFICIENT_ROLE');
      }
      const denied = await auditEvents(t, {
        action: AuditAction.AccessDenied,
        actorUserId: user.user.id,
      });
      // One row per caller and reason per window (a plain user cannot flood the log); the others counted.
      expect(denied).toHaveLength(1);
      expect(denied[0]).toMatchObject({
        outcome: 'failure',
        resourceType: 'route',
        resourceId: 'GET /users',
        details: { reason: 'insufficient_role' },
      });
      expect(
        (await t.dataSource.getRepository(User).findOneByOrFail({ id: user.user.id })).role,
      ).toBe('user');
      expect(await t.dataSource.getRepository(User).countBy({ username: 'sneaky' })).toBe(0);
    });

    it('takes a demotion into account on the very next request', async () => {
      const other = await createAdmin(t);
      expect((await as(other.bearer).get('/users')).status).toBe(200);
      expect(
        (await as(admin.bearer).patch(`/users/${other.user.id}`, { role: 'user' })).status,
      ).toBe(200);
      expect((await as(other.bearer).get('/users')).status).toBe(403);
      const changed = await auditEvents(t, {
        action: AuditAction.RoleChanged,
        resourceId: other.user.id,
      });
      expect(changed[0].details).toMatchObject({ role_before: 'admin', role_after: 'user' });
    });
  });

  describe('GET /users', () => {
    it('pages through users in a stable order without duplicates or gaps, with filters', async () => {
      for (let i = 0; i < 7; i++) await createUser(t, { username: `page-${i}` });
      await createUser(t, { username: 'page-x-disabled', isActive: false });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string | number> = {
          username_prefix: 'PAGE-',
          limit: 3,
          active: 'true',
        };
        if (cursor) query.cursor = cursor;
        const response = await as(admin.bearer).get('/users').query(query);
        expect(response.status).toBe(200);
        expect(response.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...response.body.items.map((user: { username: string }) => user.username));
        cursor = response.body.next_cursor;
        // A user created between pages (sorted before the cursor) must not shift the later pages.
        if (seen.length === 3) await createUser(t, { username: 'page-0a' });
      } while (cursor);
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(['page-0', 'page-1', 'page-6']));
      expect(seen).not.toContain('page-x-disabled');

      const admins = await as(admin.bearer).get('/users').query({ role: 'admin', limit: 200 });
      expect(admins.body.items.every((user: { role: string }) => user.role === 'admin')).toBe(true);
      expect(admins.body.items.map((user: { username: string }) => user.username)).toContain(
        TEST_ADMIN.username,
      );
    });

    it.each([
      [{ limit: 201 }, 'limit'],
      [{ limit: 0 }, 'limit'],
      [{ active: 'maybe' }, 'active'],
      [{ role: 'root' }, 'role'],
      [{ cursor: '%%%' }, 'cursor'],
      [{ sort: 'password_hash' }, 'sort'],
      [{ username_prefix: 'a\u0000' }, 'username_prefix'],
      [{ cursor: Buffer.from('a\u0000').toString('base64url') }, 'cursor'],
    ])('rejects the query %j with 400', async (query, field) => {
      const response = await as(admin.bearer).get('/users').query(query);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });
  });

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
      expect(list.body.map((session: { id: string }) => session.id).sort()).toEqual(
        [first.sessionId, second.sessionId].sort(),
      );
      expect(list.body[0]).toEqual({
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
      expect((await as(admin.bearer).get(`/users/${user.user.id}/sessions`)).body).toEqual([]);
      expect(
        (await auditEvents(t, { action: AuditAction.SessionRevoked, resourceId: user.user.id }))
          .length,
      ).toBe(2);
    });
  });
});

describe('the last active administrator', () => {
  let solo: TestApp;
  beforeAll(async () => {
    solo = await createTestApp();
  });
  afterAll(() => solo.close());

  it('can be neither disabled nor demoted (409), while other admins can', async () => {
    const login = await solo.http().post('/auth/login').send(TEST_ADMIN);
    const bearer = `Bearer ${login.body.access_token}`;
    const me = await solo.http().get('/auth/me').set('Authorization', bearer);
    const id = me.body.id as string;
    for (const request of [
      solo.http().post(`/users/${id}/disable`).set('Authorization', bearer),
      solo.http().patch(`/users/${id}`).set('Authorization', bearer).send({ role: 'user' }),
      solo.http().patch(`/users/${id}`).set('Authorization', bearer).send({ is_active: false }),
    ]) {
      const response = await request;
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('LAST_ADMIN');
    }
    expect((await solo.http().get('/users').set('Authorization', bearer)).status).toBe(200);

    // With a second admin, two concurrent demotions still leave one admin.
    const second = await createAdmin(solo);
    const results = await Promise.all([
      solo.http().patch(`/users/${id}`).set('Authorization', second.bearer).send({ role: 'user' }),
      solo
        .http()
        .patch(`/users/${second.user.id}`)
        .set('Authorization', bearer)
        .send({ role: 'user' }),
    ]);
    // One wins; the other is refused: 409 LAST_ADMIN, or 403 if its caller was demoted first.
    expect(results.map((response) => response.status).sort()).toEqual([200, expect.any(Number)]);
    expect([403, 409]).toContain(results.find((response) => response.status !== 200)!.status);

    const admins = await solo.dataSource
      .getRepository(User)
      .countBy({ role: 'admin' as User['role'], isActive: true });
    expect(admins).toBe(1);
  });

  it('lets two concurrent demotions of the only two admins leave exactly one (a database lock, not luck)', async () => {
    await createUser(solo, { role: Role.Admin });
    const admins = await solo.dataSource
      .getRepository(User)
      .findBy({ role: Role.Admin, isActive: true });
    expect(admins).toHaveLength(2);
    const administration = solo.app.get(UserAdministrationService);
    const unitOfWork = solo.app.get(UnitOfWork);
    const results = await Promise.allSettled(
      admins.map((target) =>
        unitOfWork.run(() =>
          administration.update({ userId: null }, target.id, { role: Role.User }),
        ),
      ),
    );
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find(
      (result) => result.status === 'rejected',
    ) as PromiseRejectedResult;
    expect((rejected.reason as { code: string }).code).toBe('LAST_ADMIN');
    expect(
      await solo.dataSource.getRepository(User).countBy({ role: Role.Admin, isActive: true }),
    ).toBe(1);
  });
});
