import { accessCookie, logIn, refreshCookie, type LoggedIn } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { expectNoTokenIssued, expectProblem, loadSession } from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

/** Attack: keep using credentials copied before their owner logged out. */
describe('security: nothing from a logged-out session works again', () => {
  let t: TestApp;
  let alice: UserFixture;
  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  const expectDead = async (session: LoggedIn) => {
    expectProblem(
      await t.http().get('/auth/me').set('Authorization', `Bearer ${session.accessToken}`),
      401,
      'SESSION_ENDED',
    );
    expectProblem(
      await t.http().get('/auth/me').set('Cookie', accessCookie(session.accessToken)),
      401,
      'SESSION_ENDED',
    );
    for (const refresh of [
      t.http().post('/auth/refresh').set('Cookie', refreshCookie(session.refreshToken)),
      t.http().post('/auth/refresh').send({ refresh_token: session.refreshToken }),
    ]) {
      const response = await refresh;
      expectProblem(response, 401, 'SESSION_REVOKED');
      expectNoTokenIssued(t, response);
    }
    const row = await loadSession(t, session.sessionId);
    expect(row.revokedAt).not.toBeNull();
    expect(row.revokedReason).toBe('logout');
  };

  it('after a logout by cookie: the old access token as bearer and the old refresh cookie get 401', async () => {
    const session = await logIn(t, alice);
    const response = await t
      .http()
      .post('/auth/logout')
      .set(
        'Cookie',
        `${accessCookie(session.accessToken)}; ${refreshCookie(session.refreshToken)}`,
      );
    expect(response.status).toBe(200);
    await expectDead(session);
  });

  it('after a logout by bearer token: the same', async () => {
    const session = await logIn(t, alice);
    const response = await t
      .http()
      .post('/auth/logout')
      .set('Authorization', `Bearer ${session.accessToken}`);
    expect(response.status).toBe(200);
    await expectDead(session);
  });

  it('a logout ends only the session it was shown', async () => {
    const mine = await logIn(t, alice);
    const other = await logIn(t, alice);
    await t.http().post('/auth/logout').set('Authorization', `Bearer ${mine.accessToken}`);
    expect(
      (await t.http().get('/auth/me').set('Authorization', `Bearer ${other.accessToken}`)).status,
    ).toBe(200);
  });
});
