import type { Logger } from 'pino';
import { APP_LOGGER } from '../src/logging/app-logger';
import { authCookieNames } from '../src/auth/auth-cookies';

const { access: ACCESS_COOKIE, refresh: REFRESH_COOKIE } = authCookieNames(false);
import { createUser } from './factories/user.factory';
import { setCookiesOf } from './support/cookies';
import { LogCapture } from './support/log-capture';
import { createTestApp, type TestApp } from './support/test-app';

const JWT_SECRET = 'log-test-secret-that-is-long-enough-42';

/**
 * One app per file: nestjs-pino keeps its root logger per process (here: per Jest module registry), so the
 * capture must belong to the first app created.
 */
describe('logs: one JSON line per request, and never a secret', () => {
  const logs = new LogCapture();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { LOG_LEVEL: 'verbose', JWT_SECRET },
      override: logs.override(),
    });
  });
  afterAll(() => t.close());

  it('logs in, refreshes, changes a password and logs out without a token, cookie or password in the logs', async () => {
    const password = 'first pass phrase 7c1e4b';
    const newPassword = 'second pass phrase 9d02aa';
    const wrongPassword = 'guessed pass phrase 33f0';
    const user = await createUser(t, { password });
    const secrets: string[] = [password, newPassword, wrongPassword, JWT_SECRET];
    const remember = (...values: Array<string | undefined>) => {
      for (const value of values) if (value) secrets.push(value, ...value.split('.'));
    };

    // A form login from an API client (refresh token in the body), a JSON login (cookies), a wrong password.
    const apiLogin = await t
      .http()
      .post('/auth/login')
      .type('form')
      .send({ username: user.username, password, client: 'api' });
    expect(apiLogin.status).toBe(200);
    remember(apiLogin.body.access_token, apiLogin.body.refresh_token);
    const browserLogin = await t
      .http()
      .post('/auth/login')
      .send({ username: user.username, password });
    const cookies = setCookiesOf(browserLogin);
    remember(cookies[ACCESS_COOKIE].value, cookies[REFRESH_COOKIE].value);
    const cookieHeader = `${ACCESS_COOKIE}=${cookies[ACCESS_COOKIE].value}; ${REFRESH_COOKIE}=${cookies[REFRESH_COOKIE].value}`;
    expect(
      (
        await t
          .http()
          .post('/auth/login')
          .send({ username: user.username, password: wrongPassword })
      ).status,
    ).toBe(401);

    // Authenticated calls with a bearer token and with cookies; a token in a query string of an unknown path.
    const me = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${apiLogin.body.access_token}`);
    expect(me.status).toBe(200);
    expect((await t.http().get('/auth/me').set('Cookie', cookieHeader)).status).toBe(200);
    await t.http().get(`/no-such-route?access_token=${apiLogin.body.access_token}`);

    // Refresh by body and by cookie.
    const bodyRefresh = await t
      .http()
      .post('/auth/refresh')
      .send({ refresh_token: apiLogin.body.refresh_token });
    expect(bodyRefresh.status).toBe(200);
    remember(bodyRefresh.body.access_token, bodyRefresh.body.refresh_token);
    const cookieRefresh = await t.http().post('/auth/refresh').set('Cookie', cookieHeader);
    expect(cookieRefresh.status).toBe(200);
    const refreshed = setCookiesOf(cookieRefresh);
    remember(refreshed[ACCESS_COOKIE].value, refreshed[REFRESH_COOKIE].value);

    // A refused and an accepted password change, then logout.
    const bearer = `Bearer ${bodyRefresh.body.access_token}`;
    expect(
      (
        await t
          .http()
          .post('/auth/change-password')
          .set('Authorization', bearer)
          .send({ current_password: wrongPassword, new_password: newPassword })
      ).status,
    ).toBe(400);
    expect(
      (
        await t
          .http()
          .post('/auth/change-password')
          .set('Authorization', bearer)
          .send({ current_password: password, new_password: newPassword })
      ).status,
    ).toBe(200);
    expect((await t.http().post('/auth/logout').set('Authorization', bearer)).status).toBe(200);

    const text = logs.text;
    expect(text).toContain('"msg":"request completed"');
    const leaked = [...new Set(secrets)].filter(
      (secret) => secret.length >= 8 && text.includes(secret),
    );
    expect(leaked).toEqual([]);
    expect(text).not.toMatch(/aegis_token=|aegis_refresh=|Bearer /);
    expect(text).not.toMatch(/\$argon2id\$/);
  });

  it('writes exactly one line per request: method, route, status, duration, request id, user', async () => {
    const user = await createUser(t);
    const login = await t
      .http()
      .post('/auth/login')
      .set('X-Request-Id', 'login-req-1')
      .send({ username: user.username, password: user.password });
    const me = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${login.body.access_token}`);
    const anonymous = await t.http().get('/auth/me');

    const lineFor = (requestId: string) => {
      const lines = logs
        .records()
        .filter((r) => r.msg === 'request completed' && r.request_id === requestId);
      expect(lines).toHaveLength(1);
      return lines[0];
    };
    expect(login.headers['x-request-id']).not.toBe('login-req-1');
    expect(lineFor(login.headers['x-request-id'])).toMatchObject({
      client_request_id: 'login-req-1',
      level: 'info',
      method: 'POST',
      route: '/auth/login',
      status: 200,
      code: null,
      duration_ms: expect.any(Number),
      user_id: user.user.id,
    });
    expect(lineFor(me.headers['x-request-id'])).toMatchObject({
      route: '/auth/me',
      status: 200,
      user_id: user.user.id,
    });
    expect(lineFor(anonymous.headers['x-request-id'])).toMatchObject({
      route: '/auth/me',
      status: 401,
      // Why it was refused, without the body.
      code: 'UNAUTHENTICATED',
      user_id: null,
    });
    // The OAuth2 form's refusals and the answers Fastify writes itself name their code too.
    const grant = await t
      .http()
      .post('/auth/login')
      .type('form')
      .send({ grant_type: 'password', username: user.username, password: 'not the password 0' });
    expect(grant.body.error).toBe('invalid_grant');
    expect(lineFor(grant.headers['x-request-id'])).toMatchObject({
      status: 400,
      code: 'INVALID_CREDENTIALS',
    });
    const badUrl = await t.http().get('/users/%E0%A4%A');
    expect(lineFor(badUrl.headers['x-request-id'])).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
    });
    expect(anonymous.body.request_id).toBe(anonymous.headers['x-request-id']);
  });

  it('redacts credentials even when code logs a whole request by mistake', () => {
    t.app.get<Logger>(APP_LOGGER).warn(
      {
        req: {
          headers: { authorization: 'Bearer leaked-jwt', cookie: 'aegis_token=leaked-cookie' },
        },
        res: { headers: { 'set-cookie': 'aegis_refresh=leaked-refresh' } },
        body: { password: 'leaked-password', refresh_token: 'leaked-refresh-token' },
      },
      'careless log line',
    );
    const line = logs.records().find((record) => record.msg === 'careless log line');
    expect(JSON.stringify(line)).not.toContain('leaked');
    expect(line).toMatchObject({ req: { headers: { authorization: '[REDACTED]' } } });
  });
});
