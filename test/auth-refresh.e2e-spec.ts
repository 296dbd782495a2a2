import { AuditAction } from '../src/audit/audit-action';
import { Session } from '../src/sessions/entities/session.entity';
import { accessCookie, logIn, refreshCookie } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { auditEvents } from './support/audit';
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

  it('heals an expired access token: 401 on the API, then refresh with the cookie works', async () => {
    const session = await logIn(t, alice);
    t.clock.advance(6 * MINUTE); // access TTL is 5m in the test config

    const expired = await me(session.accessToken);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('TOKEN_EXPIRED');

    const refreshed = await refreshWith(session.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 300,
    });
    const cookies = setCookiesOf(refreshed);
    expect(cookies.aegis_token.value).toBe(refreshed.body.access_token);
    expect(cookies.aegis_token.attributes).toMatchObject({
      httponly: true,
      samesite: 'Strict',
      path: '/',
    });
    expect(cookies.aegis_refresh.attributes).toMatchObject({
      httponly: true,
      samesite: 'Strict',
      path: '/auth',
    });
    expect(cookies.aegis_refresh.value).not.toBe(session.refreshToken);

    expect((await me(refreshed.body.access_token)).status).toBe(200);
  });

  it('rotates: the successor works, and is stored only as a hash', async () => {
    const session = await logIn(t, alice);
    const first = await refreshWith(session.refreshToken);
    const successor = setCookiesOf(first).aegis_refresh.value;
    t.clock.advance(MINUTE);
    const second = await refreshWith(successor);
    expect(second.status).toBe(200);

    const row = await t.dataSource
      .getRepository(Session)
      .findOneByOrFail({ id: session.sessionId });
    const columns = JSON.stringify(row);
    expect(columns).not.toContain(successor.split('.')[1]);
    expect(columns).not.toContain(setCookiesOf(second).aegis_refresh.value.split('.')[1]);
    expect(row.refreshTokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('inside the grace window, a just-retired token gets an access token but no new refresh token', async () => {
    const session = await logIn(t, alice);
    const winner = await refreshWith(session.refreshToken);
    expect(winner.status).toBe(200);
    t.clock.advance(5_000); // grace is 10s

    const late = await refreshWith(session.refreshToken);
    expect(late.status).toBe(200);
    expect(setCookiesOf(late).aegis_refresh).toBeUndefined();
    expect(setCookiesOf(late).aegis_token.value).toBe(late.body.access_token);
    expect((await me(late.body.access_token)).status).toBe(200);

    // The winner's successor is still the one valid refresh token.
    expect((await refreshWith(setCookiesOf(winner).aegis_refresh.value)).status).toBe(200);
  });

  it('after the grace window, a retired token is theft: 401, the whole session revoked, audited', async () => {
    const session = await logIn(t, alice);
    const legit = await refreshWith(session.refreshToken);
    const successor = setCookiesOf(legit).aegis_refresh.value;
    const liveAccess = legit.body.access_token as string;
    t.clock.advance(11_000);

    const replay = await refreshWith(session.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
    expect(setCookiesOf(replay).aegis_token).toBeUndefined();

    // Both the thief and the victim are out: the successor and the access token die with the session.
    expect((await refreshWith(successor)).status).toBe(401);
    expect((await me(liveAccess)).status).toBe(401);

    const events = await auditEvents(t, { action: AuditAction.RefreshTokenReused });
    expect(events.find((event) => event.resourceId === session.sessionId)).toMatchObject({
      outcome: 'failure',
      actorUserId: alice.user.id,
      ip: '127.0.0.1',
    });
    const row = await t.dataSource
      .getRepository(Session)
      .findOneByOrFail({ id: session.sessionId });
    expect(row.revokedReason).toBe('refresh_token_reused');
  });

  // The window is half-open: "less than REFRESH_REUSE_GRACE" after the rotation is a racing tab, the grace
  // itself is already reuse. Stepped with the fake clock to the millisecond on each side of the edge.
  it('accepts a retired token presented 1 ms before REFRESH_REUSE_GRACE has passed', async () => {
    const session = await logIn(t, alice);
    expect((await refreshWith(session.refreshToken)).status).toBe(200);
    t.clock.advance(t.config.refreshReuseGraceMs - 1);

    const late = await refreshWith(session.refreshToken);
    expect(late.status).toBe(200);
    expect(setCookiesOf(late).aegis_refresh).toBeUndefined();
    expect((await me(late.body.access_token)).status).toBe(200);
  });

  it.each([
    ['exactly REFRESH_REUSE_GRACE', 0],
    ['REFRESH_REUSE_GRACE + 1 ms', 1],
  ])(
    'treats a retired token presented %s after its rotation as reuse and ends the session',
    async (_label, beyondGraceMs) => {
      const session = await logIn(t, alice);
      expect((await refreshWith(session.refreshToken)).status).toBe(200);
      t.clock.advance(t.config.refreshReuseGraceMs + beyondGraceMs);

      const replay = await refreshWith(session.refreshToken);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
      expect(setCookiesOf(replay).aegis_token).toBeUndefined();
      const row = await t.dataSource
        .getRepository(Session)
        .findOneByOrFail({ id: session.sessionId });
      expect(row.revokedReason).toBe('refresh_token_reused');
    },
  );

  it('detects theft with a token retired several rotations ago, not only the last one', async () => {
    const session = await logIn(t, alice);
    let current = session.refreshToken;
    for (let i = 0; i < 3; i++) {
      t.clock.advance(MINUTE);
      const response = await refreshWith(current);
      expect(response.status).toBe(200);
      current = setCookiesOf(response).aegis_refresh.value;
    }
    t.clock.advance(11_000);
    const replay = await refreshWith(session.refreshToken); // three rotations old
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await refreshWith(current)).status).toBe(401);
    const row = await t.dataSource
      .getRepository(Session)
      .findOneByOrFail({ id: session.sessionId });
    expect(row.revokedReason).toBe('refresh_token_reused');
  });

  it('does not let a forged secret for a real session id revoke that session', async () => {
    const session = await logIn(t, alice);
    const forged = `${session.sessionId}.${'C'.repeat(43)}`;
    expect((await refreshWith(forged)).body.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await refreshWith(session.refreshToken)).status).toBe(200);
  });

  it('two parallel refreshes with one token never yield two valid refresh tokens', async () => {
    const session = await logIn(t, alice);
    const responses = await Promise.all([
      refreshWith(session.refreshToken),
      refreshWith(session.refreshToken),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    const successors = responses
      .map((response) => setCookiesOf(response).aegis_refresh?.value)
      .filter((value) => value !== undefined);
    expect(successors).toHaveLength(1);

    t.clock.advance(11_000);
    expect((await refreshWith(successors[0])).status).toBe(200);
  });

  it('many parallel refreshes with one token rotate exactly once', async () => {
    const session = await logIn(t, alice);
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => refreshWith(session.refreshToken)),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(
      responses.filter((response) => setCookiesOf(response).aegis_refresh !== undefined),
    ).toHaveLength(1);
  });

  it('accepts the refresh token in a JSON body for API clients, and returns its successor in the body', async () => {
    const login = await t
      .http()
      .post('/auth/login')
      .send({ username: alice.username, password: alice.password, client: 'api' });
    const response = await t
      .http()
      .post('/auth/refresh')
      .send({ refresh_token: login.body.refresh_token });
    expect(response.status).toBe(200);
    expect(response.body.refresh_token).toEqual(expect.any(String));
    expect(response.body.refresh_token).not.toBe(login.body.refresh_token);
    const next = await t
      .http()
      .post('/auth/refresh')
      .send({ refresh_token: response.body.refresh_token });
    expect(next.status).toBe(200);
  });

  it.each([
    ['no token at all', undefined, 'UNAUTHENTICATED'],
    ['a malformed token', 'garbage', 'INVALID_REFRESH_TOKEN'],
    [
      'a forged secret for a real-looking id',
      `00000000-0000-4000-8000-000000000000.${'A'.repeat(43)}`,
      'INVALID_REFRESH_TOKEN',
    ],
  ])('refuses %s with 401', async (_label, token, code) => {
    const response =
      token === undefined ? await t.http().post('/auth/refresh') : await refreshWith(token);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe(code);
  });

  it('audits every successful refresh', async () => {
    const session = await logIn(t, alice);
    await refreshWith(session.refreshToken);
    const events = await auditEvents(t, { action: AuditAction.TokenRefreshed });
    expect(events.filter((event) => event.resourceId === session.sessionId)).toHaveLength(1);
  });
});
