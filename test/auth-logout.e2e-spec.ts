import { AuditAction } from '../src/audit/audit-action';
import { Session } from '../src/sessions/entities/session.entity';
import { accessCookie, logIn, refreshCookie } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { setCookiesOf } from './support/cookies';
import { createTestApp, type TestApp } from './support/test-app';

describe('POST /auth/logout', () => {
  let t: TestApp;
  let alice: UserFixture;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  const revokedAt = async (sessionId: string) =>
    (await t.dataSource.getRepository(Session).findOneByOrFail({ id: sessionId })).revokedAt;

  it('by cookie: ends the session, clears both cookies, and the old access token is refused', async () => {
    const session = await logIn(t, alice);
    const response = await t
      .http()
      .post('/auth/logout')
      .set(
        'Cookie',
        `${accessCookie(session.accessToken)}; ${refreshCookie(session.refreshToken)}`,
      );

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ detail: 'Logged out' });
    const cookies = setCookiesOf(response);
    expect(cookies.aegis_token).toMatchObject({
      value: '',
      attributes: { path: '/', httponly: true },
    });
    expect(cookies.aegis_refresh).toMatchObject({
      value: '',
      attributes: { path: '/auth', httponly: true },
    });
    expect(new Date(String(cookies.aegis_token.attributes.expires)).getTime()).toBeLessThan(
      Date.now(),
    );

    expect(
      (await t.http().get('/auth/me').set('Cookie', accessCookie(session.accessToken))).status,
    ).toBe(401);
    expect(
      (await t.http().post('/auth/refresh').set('Cookie', refreshCookie(session.refreshToken)))
        .status,
    ).toBe(401);
  });

  it('by bearer token: the token is refused on the next request', async () => {
    const session = await logIn(t, alice);
    const bearer = `Bearer ${session.accessToken}`;
    expect((await t.http().get('/auth/me').set('Authorization', bearer)).status).toBe(200);

    expect((await t.http().post('/auth/logout').set('Authorization', bearer)).status).toBe(200);
    const after = await t.http().get('/auth/me').set('Authorization', bearer);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('SESSION_ENDED');
    expect(await revokedAt(session.sessionId)).not.toBeNull();
  });

  it('by the refresh cookie alone', async () => {
    const session = await logIn(t, alice);
    await t.http().post('/auth/logout').set('Cookie', refreshCookie(session.refreshToken));
    expect(await revokedAt(session.sessionId)).not.toBeNull();
    expect(
      (await t.http().get('/auth/me').set('Cookie', accessCookie(session.accessToken))).status,
    ).toBe(401);
  });

  it('by the refresh token in the body (API clients)', async () => {
    const session = await logIn(t, alice);
    await t.http().post('/auth/logout').send({ refresh_token: session.refreshToken });
    expect(await revokedAt(session.sessionId)).not.toBeNull();
  });

  it('revokes every session it is shown at once (a cookie of one session, a bearer of another)', async () => {
    const first = await logIn(t, alice);
    const second = await logIn(t, alice);
    await t
      .http()
      .post('/auth/logout')
      .set('Cookie', accessCookie(first.accessToken))
      .set('Authorization', `Bearer ${second.accessToken}`);
    expect(await revokedAt(first.sessionId)).not.toBeNull();
    expect(await revokedAt(second.sessionId)).not.toBeNull();
  });

  it('works with an expired access token', async () => {
    const session = await logIn(t, alice);
    t.clock.advance(6 * 60_000);
    await t.http().post('/auth/logout').set('Cookie', accessCookie(session.accessToken));
    expect(await revokedAt(session.sessionId)).not.toBeNull();
  });

  it('audits one LOGOUT per ended session', async () => {
    const session = await logIn(t, alice);
    await t.http().post('/auth/logout').set('Authorization', `Bearer ${session.accessToken}`);
    await t.http().post('/auth/logout').set('Authorization', `Bearer ${session.accessToken}`);
    const events = (await auditEvents(t, { action: AuditAction.Logout })).filter(
      (event) => event.resourceId === session.sessionId,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorUserId: alice.user.id,
      outcome: 'success',
      ip: '127.0.0.1',
    });
  });

  it('always answers 200, even with no or forged credentials, and ends nothing it cannot prove', async () => {
    const session = await logIn(t, alice);
    const forged = `${session.accessToken.slice(0, -4)}AAAA`;
    for (const request of [
      t.http().post('/auth/logout'),
      t.http().post('/auth/logout').set('Authorization', 'Bearer not-a-jwt'),
      t.http().post('/auth/logout').set('Authorization', `Bearer ${forged}`),
      t
        .http()
        .post('/auth/logout')
        .set('Cookie', refreshCookie(`${session.sessionId}.${'B'.repeat(43)}`)),
    ]) {
      const response = await request;
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ detail: 'Logged out' });
    }
    expect(await revokedAt(session.sessionId)).toBeNull();
  });
});
