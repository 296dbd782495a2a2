import { AuditAction } from '../src/audit/audit-action';
import { User } from '../src/users/entities/user.entity';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/test-app';
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
});
