import { Session } from '../src/sessions/entities/session.entity';
import { accessCookie, logIn, refreshCookie, type LoggedIn } from './factories/session.factory';
import { createUser, setUserActive, type UserFixture } from './factories/user.factory';
import { setCookiesOf } from './support/cookies';
import { createTestApp, type TestApp } from './support/test-app';

const MINUTE = 60_000;

describe('POST /auth/refresh', () => {
  let t: TestApp;
  let alice: UserFixture;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  const me = (accessToken: string) =>
    t.http().get('/auth/me').set('Cookie', accessCookie(accessToken));
  const refreshWith = (refreshToken: string) =>
    t.http().post('/auth/refresh').set('Cookie', refreshCookie(refreshToken));

  it('ends a session left idle longer than SESSION_IDLE_TTL', async () => {
    const session = await logIn(t, alice);
    t.clock.advance(31 * MINUTE);
    const response = await refreshWith(session.refreshToken);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SESSION_EXPIRED');
  });

  it('keeps an active session alive only up to SESSION_ABSOLUTE_TTL', async () => {
    const session = await logIn(t, alice);
    let refreshToken = session.refreshToken;
    for (let minutes = 20; minutes <= 100; minutes += 20) {
      t.clock.advance(20 * MINUTE);
      const response = await refreshWith(refreshToken);
      expect(response.status).toBe(200);
      refreshToken = setCookiesOf(response).aegis_refresh.value;
    }
    t.clock.advance(18 * MINUTE); // 118 minutes: the access token may live only until the 2h mark
    const last = await refreshWith(refreshToken);
    expect(last.status).toBe(200);
    expect(last.body.expires_in).toBe(120);
    expect(Number(setCookiesOf(last).aegis_refresh.attributes['max-age'])).toBe(120);

    t.clock.advance(3 * MINUTE); // 121 minutes
    const response = await refreshWith(setCookiesOf(last).aegis_refresh.value);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SESSION_EXPIRED');
    expect((await me(last.body.access_token)).status).toBe(401);
  });

  it('refuses with 403 while the user must change their password', async () => {
    const dave = await createUser(t, { mustChangePassword: true });
    const session = await logIn(t, dave);
    const response = await refreshWith(session.refreshToken);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
  });

  it('refuses a disabled user with 401 and revokes the session', async () => {
    const erin = await createUser(t);
    const session: LoggedIn = await logIn(t, erin);
    await setUserActive(t, erin.user.id, false);

    const response = await refreshWith(session.refreshToken);
    expect(response.status).toBe(401);
    const row = await t.dataSource
      .getRepository(Session)
      .findOneByOrFail({ id: session.sessionId });
    expect(row.revokedAt).not.toBeNull();
    expect(row.revokedReason).toBe('user_disabled');

    await setUserActive(t, erin.user.id, true);
    expect((await refreshWith(session.refreshToken)).status).toBe(401);
  });
});
