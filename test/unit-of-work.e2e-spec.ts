import { AuditAction } from '../src/audit/audit-action';
import type { Response } from 'supertest';
import { Session } from '../src/sessions/entities/session.entity';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { logIn, type LoggedIn } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { withFailingAudit } from './support/failing-audit';
import { expectProblem, loadSession, lockoutOf } from './support/security';
import { createTestApp, type TestApp } from './support/test-app';

/**
 * Parallel requests, some committing and some rolling back, on the database under test.
 * On SQLite this is what breaks a naive unit of work: TypeORM runs every transaction on the one connection.
 */
describe('the unit of work under concurrent requests', () => {
  let t: TestApp;
  let failingActor: string | undefined;

  beforeAll(async () => {
    t = await createTestApp({
      override: withFailingAudit(
        (event) => event.actorUserId === failingActor && event.outcome === 'success',
      ),
    });
  });
  afterAll(() => t.close());

  it('commits parallel logins and failures independently, with one audit row each', async () => {
    const users: UserFixture[] = [];
    for (let i = 0; i < 8; i++) users.push(await createUser(t));
    const responses = await Promise.all([
      ...users.map((user) =>
        t.http().post('/auth/login').send({ username: user.username, password: user.password }),
      ),
      ...users.map((user) =>
        t.http().post('/auth/login').send({ username: user.username, password: 'wrong password!' }),
      ),
    ]);
    expect(responses.map((response) => response.status)).toEqual([
      ...users.map(() => 200),
      ...users.map(() => 401),
    ]);

    for (const user of users) {
      expect(await t.dataSource.getRepository(Session).countBy({ userId: user.user.id })).toBe(1);
      expect(
        await auditEvents(t, { action: AuditAction.LoginSuccess, actorUserId: user.user.id }),
      ).toHaveLength(1);
      expect(
        await auditEvents(t, { action: AuditAction.LoginFailed, actorUserId: user.user.id }),
      ).toHaveLength(1);
    }
  });

  it('rolls back only the request whose audit failed while its neighbours commit', async () => {
    const users: UserFixture[] = [];
    for (let i = 0; i < 6; i++) users.push(await createUser(t));
    const sessions = await Promise.all(users.map((user) => logIn(t, user)));
    failingActor = users[2].user.id;
    try {
      const responses = await Promise.all(
        users.map((user, index) =>
          t
            .http()
            .post('/auth/change-password')
            .set('Authorization', `Bearer ${sessions[index].accessToken}`)
            .send({
              current_password: user.password,
              new_password: `parallel new passphrase ${index}`,
            }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual([200, 200, 500, 200, 200, 200]);
    } finally {
      failingActor = undefined;
    }

    for (const [index, user] of users.entries()) {
      const newPassword = `parallel new passphrase ${index}`;
      const expected = index === 2 ? user.password : newPassword;
      const login = await t
        .http()
        .post('/auth/login')
        .send({ username: user.username, password: expected });
      expect(login.status).toBe(200);
      const changed = await auditEvents(t, {
        action: AuditAction.PasswordChanged,
        actorUserId: user.user.id,
      });
      expect(changed).toHaveLength(index === 2 ? 0 : 1);
    }
  });
});

/**
 * DELETE handlers change state too: a revocation or a cleared lockout must commit with its audit row or not
 * at all. The audit append is made to fail; the change must be gone with it, and the client gets a generic 500.
 */
describe('the unit of work around DELETE handlers', () => {
  let t: TestApp;
  let admin: AdminFixture;
  let failAuditFor: string | undefined;

  beforeAll(async () => {
    t = await createTestApp({
      override: withFailingAudit((event) => event.action === failAuditFor),
    });
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  /** Sends `request` while appends of `action` fail, and checks the answer is a 500 that leaks nothing. */
  async function withAuditOf(action: AuditAction, request: () => Promise<Response>) {
    failAuditFor = action;
    let response: Response;
    try {
      response = await request();
    } finally {
      failAuditFor = undefined;
    }
    expectProblem(response, 500, 'INTERNAL_ERROR');
    expect(response.text).not.toMatch(/disk full|injected|audit/i);
  }

  const isLive = async (session: LoggedIn) =>
    (await loadSession(t, session.sessionId)).revokedAt === null &&
    (await t.http().get('/auth/me').set('Authorization', `Bearer ${session.accessToken}`))
      .status === 200;

  it('rolls back DELETE /auth/sessions/:id when its audit row cannot be written: the session stays live', async () => {
    const user = await createUser(t);
    const current = await logIn(t, user);
    const other = await logIn(t, user);

    await withAuditOf(AuditAction.SessionRevoked, () =>
      t
        .http()
        .delete(`/auth/sessions/${other.sessionId}`)
        .set('Authorization', `Bearer ${current.accessToken}`),
    );

    expect(await isLive(other)).toBe(true);
    expect(
      await auditEvents(t, { action: AuditAction.SessionRevoked, resourceId: other.sessionId }),
    ).toEqual([]);
  });

  it('rolls back DELETE /users/:id/sessions when its audit row cannot be written: every session stays live', async () => {
    const user = await createUser(t);
    const first = await logIn(t, user);
    const second = await logIn(t, user);

    await withAuditOf(AuditAction.SessionRevoked, () =>
      t.http().delete(`/users/${user.user.id}/sessions`).set('Authorization', admin.bearer),
    );

    expect(await isLive(first)).toBe(true);
    expect(await isLive(second)).toBe(true);
    expect(
      await auditEvents(t, { action: AuditAction.SessionRevoked, resourceId: user.user.id }),
    ).toEqual([]);
  });

  it('rolls back DELETE /users/:id/login-lockout when its audit row cannot be written: the lockout stays', async () => {
    const user = await createUser(t);
    await t
      .http()
      .post('/auth/login')
      .send({ username: user.username, password: 'wrong password!' });
    expect((await lockoutOf(t, user.user.id))?.failures).toBe(1);

    await withAuditOf(AuditAction.LoginLockoutCleared, () =>
      t.http().delete(`/users/${user.user.id}/login-lockout`).set('Authorization', admin.bearer),
    );

    expect((await lockoutOf(t, user.user.id))?.failures).toBe(1);
    expect(
      await auditEvents(t, { action: AuditAction.LoginLockoutCleared, resourceId: user.user.id }),
    ).toEqual([]);
  });
});
