import { authCookieNames } from '../../src/auth/auth-cookies';
import { createUser, type UserFixture } from '../factories/user.factory';
import { cookieHeader, setCookiesOf } from '../support/cookies';
import { expectProblem, loadSession } from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

const SECURE = {
  access: '__Host-aegis_token',
  refresh: '__Host-aegis_refresh',
  device: '__Host-aegis_device',
  mfa: '__Host-aegis_mfa',
};

/**
 * Attack: plant or overwrite the session cookies from a sibling subdomain or a plain-HTTP page (cookie
 * tossing), which the `__Host-` prefix makes browsers refuse (`__Secure-` would still admit `Domain=`).
 */
describe.each([
  ['SECURE_COOKIES=true', { SECURE_COOKIES: 'true' }],
  [
    'AEGIS_ENV=production',
    {
      AEGIS_ENV: 'production',
      PUBLIC_URL: 'https://aegis.example.com',
      MFA_ENCRYPTION_KEY: 'q7Vd2mX9pL4sT8wZ1cR6yN3bH5kF0jGa8eU2iO4xQ1s=',
      METRICS_PUBLIC: 'true',
      DOCS_ENABLED: 'true',
      OIDC_ENCRYPTION_KEY: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    },
  ],
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

  it('sets __Host-aegis_token, __Host-aegis_refresh and __Host-aegis_device (Secure, Path=/, no Domain)', async () => {
    expect(authCookieNames(t.config.secureCookies)).toEqual(SECURE);
    const cookies = setCookiesOf(await login());
    expect(Object.keys(cookies).sort()).toEqual(
      [SECURE.device, SECURE.access, SECURE.refresh].sort(),
    );
    expect(cookies[SECURE.access].attributes).toEqual({
      'max-age': expect.any(String),
      path: '/',
      httponly: true,
      secure: true,
      samesite: 'Strict',
    });
    expect(cookies[SECURE.device].attributes).toEqual({
      'max-age': String(365 * 24 * 3600),
      path: '/',
      httponly: true,
      secure: true,
      samesite: 'Strict',
    });
    expect(cookies[SECURE.refresh].attributes).toEqual({
      'max-age': expect.any(String),
      path: '/',
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
    expect(Object.keys(next).sort()).toEqual([SECURE.access, SECURE.refresh].sort());

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
      attributes: { path: '/', secure: true },
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
      expect(Object.keys(cookies).sort()).toEqual(['aegis_device', 'aegis_refresh', 'aegis_token']);
      expect(cookies.aegis_refresh.attributes.path).toBe('/auth');
      expect(cookies.aegis_token.attributes.secure).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

/**
 * Attack: a sibling subdomain plants its own refresh cookie with `Domain=` the parent and a longer path, so the
 * browser sends it first; a service reading the first duplicate would switch the victim into the attacker's
 * session (login CSRF). Over plain HTTP the prefixes cannot help, so Aegis refuses any doubled name.
 */
describe('security: cookie tossing over plain HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const loginAs = async (who: UserFixture) =>
    setCookiesOf(
      await t.http().post('/auth/login').send({ username: who.username, password: who.password }),
    );

  it('refuses a Cookie header carrying an Aegis name twice with 401, clearing it on every path and parent domain', async () => {
    const victim = await loginAs(await createUser(t));
    const attacker = await loginAs(await createUser(t));
    const refused = await t
      .http()
      .post('/auth/refresh')
      .set('Host', 'app.aegis.test')
      .set(
        'Cookie',
        `aegis_refresh=${attacker.aegis_refresh.value}; aegis_token=${victim.aegis_token.value}; ` +
          `aegis_refresh=${victim.aegis_refresh.value}`,
      );
    expectProblem(refused, 401, 'AMBIGUOUS_COOKIES');
    const lines = ([] as string[]).concat(refused.headers['set-cookie'] ?? []);
    const clears = lines.filter((line) => line.startsWith('aegis_refresh=;'));
    expect(
      clears.some((line) => /Domain=aegis\.test/i.test(line) && /Path=\/auth\/refresh/.test(line)),
    ).toBe(true);
    expect(clears.some((line) => !/Domain=/i.test(line) && /Path=\/auth(;|$)/.test(line))).toBe(
      true,
    );
    expect(lines.some((line) => line.startsWith('aegis_token=;'))).toBe(true);
    expect(refused.body.access_token).toBeUndefined();
  });

  it('refuses a refresh cookie of another session beside an authentic access cookie, and keeps both sessions as they were', async () => {
    const victimUser = await createUser(t);
    const victim = await loginAs(victimUser);
    const attacker = await loginAs(await createUser(t));
    const refused = await t
      .http()
      .post('/auth/refresh')
      .set(
        'Cookie',
        cookieHeader({
          aegis_token: victim.aegis_token.value,
          aegis_refresh: attacker.aegis_refresh.value,
        }),
      );
    expectProblem(refused, 401, 'COOKIE_SESSION_MISMATCH');
    expect(setCookiesOf(refused).aegis_refresh?.value).toBe('');

    // The victim's own pair still works, and stays the victim's.
    const own = await t
      .http()
      .post('/auth/refresh')
      .set(
        'Cookie',
        cookieHeader({
          aegis_token: victim.aegis_token.value,
          aegis_refresh: victim.aegis_refresh.value,
        }),
      );
    expect(own.status).toBe(200);
    const me = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${own.body.access_token}`);
    expect(me.body.id).toBe(victimUser.user.id);
  });

  it('still refreshes with a refresh cookie alone (an expired access cookie is no longer sent)', async () => {
    const alone = await loginAs(await createUser(t));
    const response = await t
      .http()
      .post('/auth/refresh')
      .set('Cookie', cookieHeader({ aegis_refresh: alone.aegis_refresh.value }));
    expect(response.status).toBe(200);
  });
});
