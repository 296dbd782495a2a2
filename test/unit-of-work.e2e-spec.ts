import { AuditAction } from '../src/audit/audit-action';
import { Session } from '../src/sessions/entities/session.entity';
import { logIn } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { withFailingAudit } from './support/failing-audit';
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
