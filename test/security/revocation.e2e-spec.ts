import { Role } from '../../src/common/access/role';
import { accessCookie, logIn, refreshCookie } from '../factories/session.factory';
import { createUser, setUserActive } from '../factories/user.factory';
import { expectNoTokenIssued, expectProblem, lockoutOf, loadSession } from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

/** Attack: keep a session alive after the account behind it changed (password, status, role). */
describe('security: revocation takes effect on the very next request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("a password change ends the other sessions' access and refresh tokens; the current one goes on", async () => {
    const alice = await createUser(t);
    const current = await logIn(t, alice);
    const other = await logIn(t, alice);
    const changed = await t
      .http()
      .post('/auth/change-password')
      .set('Authorization', `Bearer ${current.accessToken}`)
      .send({ current_password: alice.password, new_password: 'a brand new passphrase' });
    expect(changed.status).toBe(200);

    expectProblem(
      await t.http().get('/auth/me').set('Authorization', `Bearer ${other.accessToken}`),
      401,
      'SESSION_ENDED',
    );
    const refresh = await t
      .http()
      .post('/auth/refresh')
      .set('Cookie', refreshCookie(other.refreshToken));
    expectProblem(refresh, 401, 'SESSION_REVOKED');
    expectNoTokenIssued(t, refresh);
    expect((await loadSession(t, other.sessionId)).revokedReason).toBe('password_changed');

    expect(
      (await t.http().get('/auth/me').set('Authorization', `Bearer ${current.accessToken}`)).status,
    ).toBe(200);
  });

  it('disabling a user kills their live access and refresh tokens at once', async () => {
    const bob = await createUser(t);
    const session = await logIn(t, bob);
    await setUserActive(t, bob.user.id, false);

    for (const request of [
      t.http().get('/auth/me').set('Authorization', `Bearer ${session.accessToken}`),
      t.http().get('/auth/me').set('Cookie', accessCookie(session.accessToken)),
    ]) {
      expectProblem(await request, 401, 'SESSION_ENDED');
    }
    const refresh = await t
      .http()
      .post('/auth/refresh')
      .set('Cookie', refreshCookie(session.refreshToken));
    expectProblem(refresh, 401, 'SESSION_ENDED');
    expectNoTokenIssued(t, refresh);
    // Re-enabling does not resurrect the session the refresh attempt ended.
    await setUserActive(t, bob.user.id, true);
    expect(
      (await t.http().post('/auth/refresh').set('Cookie', refreshCookie(session.refreshToken)))
        .status,
    ).toBe(401);
  });

  it('a demoted admin is refused admin routes on the next request, with the same token', async () => {
    const admin = await createUser(t, { role: Role.Admin });
    const victim = await createUser(t);
    const bearer = `Bearer ${(await logIn(t, admin)).accessToken}`;
    expect((await t.http().get('/test-probe/admin').set('Authorization', bearer)).status).toBe(200);

    await t.dataSource.query(`UPDATE users SET role = 'user' WHERE id = '${admin.user.id}'`);
    expectProblem(
      await t.http().get('/test-probe/admin').set('Authorization', bearer),
      403,
      'INSUFFICIENT_ROLE',
    );
    await t
      .http()
      .post('/auth/login')
      .send({ username: victim.username, password: 'wrong password!' });
    expectProblem(
      await t.http().delete(`/users/${victim.user.id}/login-lockout`).set('Authorization', bearer),
      403,
      'INSUFFICIENT_ROLE',
    );
    expect((await lockoutOf(t, victim.user.id))?.failures).toBe(1); // the admin write did not happen
  });
});
