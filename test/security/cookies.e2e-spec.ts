import { authCookieNames } from '../../src/auth/auth-cookies';
import { createUser, type UserFixture } from '../factories/user.factory';
import { cookieHeader, setCookiesOf } from '../support/cookies';
import { expectProblem, loadSession } from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

const SECURE = { access: '__Host-aegis_token', refresh: '__Secure-aegis_refresh' };

/**
 * Attack: plant or overwrite the session cookies from a sibling subdomain or a plain-HTTP page (cookie
 * tossing), which the `__Host-` / `__Secure-` prefixes make browsers refuse.
 */
describe.each([
  ['SECURE_COOKIES=true', { SECURE_COOKIES: 'true' }],
  ['AEGIS_ENV=production', { AEGIS_ENV: 'production' }],
])('security: prefixed cookies with %s', (_label, env) => {
  let t: TestApp;
  let alice: UserFixture;
  beforeAll(async () => {
    t = await createTestApp({ env });
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  const login = () =>
    t.http().post('/auth/login').send({ username: alice.username, password: alice.password });

  it('sets __Host-aegis_token (Secure, Path=/, no Domain) and __Secure-aegis_refresh (Secure, Path=/auth)', async () => {
    expect(authCookieNames(t.config.secureCookies)).toEqual(SECURE);
    const cookies = setCookiesOf(await login());
    expect(Object.keys(cookies).sort()).toEqual([SECURE.access, SECURE.refresh]);
    expect(cookies[SECURE.access].attributes).toEqual({
      'max-age': expect.any(String),
      path: '/',
      httponly: true,
      secure: true,
      samesite: 'Strict',
    });
    expect(cookies[SECURE.refresh].attributes).toEqual({
      'max-age': expect.any(String),
      path: '/auth',
      httponly: true,
      secure: true,
      samesite: 'Strict',
    });
  });

  it('authenticates, refreshes and logs out with the prefixed names, and ignores plain-named look-alikes', async () => {
    const cookies = setCookiesOf(await login());
    const access = cookies[SECURE.access].value;
    const refresh = cookies[SECURE.refresh].value;

    expect(
      (
        await t
          .http()
          .get('/auth/me')
          .set('Cookie', cookieHeader({ [SECURE.access]: access }))
      ).status,
    ).toBe(200);
    // A cookie without the prefix could have been planted by anyone on a sibling domain: never read.
    expectProblem(
      await t
        .http()
        .get('/auth/me')
        .set('Cookie', cookieHeader({ aegis_token: access })),
      401,
      'UNAUTHENTICATED',
    );
    expectProblem(
      await t
        .http()
        .post('/auth/refresh')
        .set('Cookie', cookieHeader({ aegis_refresh: refresh })),
      401,
      'UNAUTHENTICATED',
    );

    const refreshed = await t
      .http()
      .post('/auth/refresh')
      .set('Cookie', cookieHeader({ [SECURE.refresh]: refresh }));
    expect(refreshed.status).toBe(200);
    const next = setCookiesOf(refreshed);
    expect(Object.keys(next).sort()).toEqual([SECURE.access, SECURE.refresh]);

    const logout = await t
      .http()
      .post('/auth/logout')
      .set(
        'Cookie',
        cookieHeader({
          [SECURE.access]: next[SECURE.access].value,
          [SECURE.refresh]: next[SECURE.refresh].value,
        }),
      );
    const cleared = setCookiesOf(logout);
    expect(cleared[SECURE.access]).toMatchObject({
      value: '',
      attributes: { path: '/', secure: true },
    });
    expect(cleared[SECURE.refresh]).toMatchObject({
      value: '',
      attributes: { path: '/auth', secure: true },
    });
    expect((await loadSession(t, refresh.split('.')[0])).revokedReason).toBe('logout');
  });

  it('names the prefixed cookie in the OpenAPI document', async () => {
    const document = await t.http().get('/docs-json');
    expect(document.body.components.securitySchemes.cookie).toMatchObject({
      in: 'cookie',
      name: SECURE.access,
    });
  });
});

describe('security: plain cookies over plain HTTP in development', () => {
  it('uses the unprefixed names without Secure (browsers would drop prefixed cookies over HTTP)', async () => {
    const t = await createTestApp();
    try {
      const alice = await createUser(t);
      const cookies = setCookiesOf(
        await t
          .http()
          .post('/auth/login')
          .send({ username: alice.username, password: alice.password }),
      );
      expect(Object.keys(cookies).sort()).toEqual(['aegis_refresh', 'aegis_token']);
      expect(cookies.aegis_token.attributes.secure).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
