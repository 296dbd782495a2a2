import { AuditAction } from '../src/audit/audit-action';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { withFailingAudit } from './support/failing-audit';
import { createTestApp, type TestApp } from './support/test-app';

const NEW_PASSWORD = 'a brand new passphrase';

describe('POST /auth/change-password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const change = (accessToken: string, body: object) =>
    t.http().post('/auth/change-password').set('Authorization', `Bearer ${accessToken}`).send(body);

  it('changes the password, ends every other session, keeps the current one, and audits it', async () => {
    const alice = await createUser(t);
    const current = await logIn(t, alice);
    const other = await logIn(t, alice);

    const response = await change(current.accessToken, {
      current_password: alice.password,
      new_password: NEW_PASSWORD,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ detail: 'Password changed successfully' });

    expect(
      (await t.http().get('/auth/me').set('Authorization', `Bearer ${current.accessToken}`)).status,
    ).toBe(200);
    expect(
      (await t.http().get('/auth/me').set('Authorization', `Bearer ${other.accessToken}`)).status,
    ).toBe(401);
    expect(
      (await t.http().post('/auth/refresh').send({ refresh_token: other.refreshToken })).status,
    ).toBe(401);
    expect(
      (await t.http().post('/auth/refresh').send({ refresh_token: current.refreshToken })).status,
    ).toBe(200);

    const oldLogin = await t
      .http()
      .post('/auth/login')
      .send({ username: alice.username, password: alice.password });
    expect(oldLogin.status).toBe(401);
    const newLogin = await t
      .http()
      .post('/auth/login')
      .send({ username: alice.username, password: NEW_PASSWORD });
    expect(newLogin.status).toBe(200);

    const events = await auditEvents(t, {
      action: AuditAction.PasswordChanged,
      actorUserId: alice.user.id,
    });
    expect(events).toHaveLength(1);
    expect(events[0].details).toEqual({ other_sessions_revoked: 1 });
  });

  it('refuses a wrong current password with 400 and audits it (the audit survives the failure)', async () => {
    const bob = await createUser(t);
    const session = await logIn(t, bob);
    const response = await change(session.accessToken, {
      current_password: 'not my password',
      new_password: NEW_PASSWORD,
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('WRONG_CURRENT_PASSWORD');
    const events = await auditEvents(t, {
      action: AuditAction.PasswordChangeFailed,
      actorUserId: bob.user.id,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: 'failure',
      details: { reason: 'wrong_current_password' },
    });
    expect(
      (await t.http().post('/auth/login').send({ username: bob.username, password: bob.password }))
        .status,
    ).toBe(200);
  });

  it.each([
    ['too short', 'short pass', 'PASSWORD_TOO_SHORT', /at least 15/],
    ['too long', 'x'.repeat(129), 'PASSWORD_TOO_LONG', /at most 128/],
    ['containing the username', 'this-is-carol-the-user', 'PASSWORD_CONTAINS_USERNAME', /username/],
  ])(
    'refuses a new password %s with 400 naming the rule',
    async (_label, newPassword, code, message) => {
      const carol = await createUser(t, {
        username: `carol-${Math.random().toString(36).slice(2, 6)}`,
      });
      const password = newPassword.replace('carol', carol.username);
      const session = await logIn(t, carol);
      const response = await change(session.accessToken, {
        current_password: carol.password,
        new_password: password,
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe(code);
      expect(response.body.errors[0]).toEqual({
        field: 'new_password',
        messages: [expect.stringMatching(message)],
      });
    },
  );

  it('audits a new password refused by the policy as PASSWORD_CHANGE_FAILED with the broken rule as its reason', async () => {
    const fiona = await createUser(t);
    const session = await logIn(t, fiona);
    const response = await change(session.accessToken, {
      current_password: fiona.password,
      new_password: 'short pass',
    });
    expect(response.status).toBe(400);
    const events = await auditEvents(t, {
      action: AuditAction.PasswordChangeFailed,
      actorUserId: fiona.user.id,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: 'failure',
      resourceId: fiona.user.id,
      details: { reason: 'password_too_short' },
    });
  });

  it('refuses the same password as the new one', async () => {
    const dan = await createUser(t);
    const session = await logIn(t, dan);
    const response = await change(session.accessToken, {
      current_password: dan.password,
      new_password: dan.password,
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('PASSWORD_UNCHANGED');
  });

  it('rejects a body with missing or unknown fields', async () => {
    const erin = await createUser(t);
    const session = await logIn(t, erin);
    const missing = await change(session.accessToken, { current_password: erin.password });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((error: { field: string }) => error.field)).toEqual([
      'new_password',
    ]);
    const extra = await change(session.accessToken, {
      current_password: erin.password,
      new_password: NEW_PASSWORD,
      must_change_password: false,
    });
    expect(extra.status).toBe(400);
  });

  it('requires authentication', async () => {
    const response = await t
      .http()
      .post('/auth/change-password')
      .send({ current_password: 'a', new_password: 'b' });
    expect(response.status).toBe(401);
  });
});

describe('the must-change-password gate', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('allows only /auth/me, change-password and logout until the password is changed', async () => {
    const frank = await createUser(t, { mustChangePassword: true });
    const session = await logIn(t, frank);
    const bearer = `Bearer ${session.accessToken}`;

    const me = await t.http().get('/auth/me').set('Authorization', bearer);
    expect(me.status).toBe(200);
    expect(me.body.must_change_password).toBe(true);
    const blocked = await t.http().get('/test-probe/whoami').set('Authorization', bearer);
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(
      (await t.http().post('/auth/refresh').send({ refresh_token: session.refreshToken })).status,
    ).toBe(403);

    const changed = await t
      .http()
      .post('/auth/change-password')
      .set('Authorization', bearer)
      .send({ current_password: frank.password, new_password: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect((await t.http().get('/test-probe/whoami').set('Authorization', bearer)).status).toBe(
      200,
    );
    expect(
      (await t.http().get('/auth/me').set('Authorization', bearer)).body.must_change_password,
    ).toBe(false);
    expect((await t.http().post('/auth/logout').set('Authorization', bearer)).status).toBe(200);
  });
});

describe('the unit of work around change-password', () => {
  let t: TestApp;
  let failAuditFor: string | undefined;

  beforeAll(async () => {
    t = await createTestApp({
      override: withFailingAudit((event) => event.action === failAuditFor),
    });
  });
  afterAll(() => t.close());

  it('rolls the password change back when its audit row cannot be written, and answers a generic 500', async () => {
    const gina = await createUser(t);
    const current = await logIn(t, gina);
    const other = await logIn(t, gina);
    failAuditFor = AuditAction.PasswordChanged;
    try {
      const response = await t
        .http()
        .post('/auth/change-password')
        .set('Authorization', `Bearer ${current.accessToken}`)
        .send({ current_password: gina.password, new_password: NEW_PASSWORD });
      expect(response.status).toBe(500);
      expect(response.body).toEqual({
        type: 'urn:aegis:problem:internal-error',
        title: 'Internal server error',
        status: 500,
        code: 'INTERNAL_ERROR',
        request_id: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/disk full|audit|at /);
    } finally {
      failAuditFor = undefined;
    }

    expect(
      (
        await t
          .http()
          .post('/auth/login')
          .send({ username: gina.username, password: gina.password })
      ).status,
    ).toBe(200);
    expect(
      (await t.http().post('/auth/login').send({ username: gina.username, password: NEW_PASSWORD }))
        .status,
    ).toBe(401);
    // The other session was not revoked either: all of the change rolled back.
    expect(
      (await t.http().get('/auth/me').set('Authorization', `Bearer ${other.accessToken}`)).status,
    ).toBe(200);
    expect(
      await auditEvents(t, { action: AuditAction.PasswordChanged, actorUserId: gina.user.id }),
    ).toHaveLength(0);
  });

  it('rolls a login back (no session, no cookies) when its audit row cannot be written', async () => {
    const hank = await createUser(t);
    failAuditFor = AuditAction.LoginSuccess;
    try {
      const response = await t
        .http()
        .post('/auth/login')
        .send({ username: hank.username, password: hank.password });
      expect(response.status).toBe(500);
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(response.body.access_token).toBeUndefined();
    } finally {
      failAuditFor = undefined;
    }
    const sessions = await t.dataSource.query(
      'SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1'.replace('$1', `'${hank.user.id}'`),
    );
    expect(Number(sessions[0].n)).toBe(0);
  });
});
