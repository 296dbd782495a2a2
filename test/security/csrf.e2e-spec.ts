import { AuditAction } from '../../src/audit/audit-action';
import { Role } from '../../src/common/access/role';
import { accessCookie, cookieNamesOf, logIn, type LoggedIn } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { auditEvents } from '../support/audit';
import {
  countSessions,
  expectProblem,
  loadSession,
  loadUser,
  lockoutOf,
} from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

const EVIL = 'https://evil.example';
const SPA = 'https://app.example.com';

/**
 * Attack: a page on another site makes the victim's browser send a state-changing request that carries
 * the victim's cookies (CSRF), including a forged login into the attacker's account (login CSRF).
 */
describe('security: cross-site requests with cookies', () => {
  let t: TestApp;
  let alice: UserFixture;
  let session: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: SPA } });
    alice = await createUser(t);
    session = await logIn(t, alice);
  });
  afterAll(() => t.close());

  const crossSite = <T extends { set: (name: string, value: string) => T }>(request: T) =>
    request.set('Origin', EVIL).set('Sec-Fetch-Site', 'cross-site');

  it('refuses a cookie-authenticated change-password from a foreign origin: 403, nothing changed, audited', async () => {
    const other = await logIn(t, alice);
    const response = await crossSite(
      t
        .http()
        .post('/auth/change-password')
        .set('Cookie', accessCookie(session.accessToken))
        .send({ current_password: alice.password, new_password: 'attacker chosen passphrase' }),
    );
    expectProblem(response, 403, 'CSRF_REJECTED');
    expect((await loadUser(t, alice.user.id)).passwordHash).toBe(alice.user.passwordHash);
    expect((await loadSession(t, other.sessionId)).revokedAt).toBeNull();

    const denied = await auditEvents(t, { action: AuditAction.AccessDenied });
    expect(denied.find((row) => row.requestId === response.body.request_id)).toMatchObject({
      outcome: 'failure',
      resourceId: 'POST /auth/change-password',
      ip: '127.0.0.1',
      details: { reason: 'csrf', origin: EVIL, sec_fetch_site: 'cross-site' },
    });
  });

  it('refuses a cookie-authenticated logout from a foreign origin: the session lives on', async () => {
    const response = await crossSite(
      t.http().post('/auth/logout').set('Cookie', accessCookie(session.accessToken)),
    );
    expectProblem(response, 403, 'CSRF_REJECTED');
    expect(response.headers['set-cookie']).toBeUndefined(); // the cookies were not cleared either
    expect((await loadSession(t, session.sessionId)).revokedAt).toBeNull();
  });

  it('refuses a cookie-authenticated admin write from a foreign origin: the lockout stays', async () => {
    const admin = await createUser(t, { role: Role.Admin });
    const adminSession = await logIn(t, admin);
    const locked = await createUser(t);
    await t.http().post('/auth/login').send({ username: locked.username, password: 'wrong one!' });

    const response = await crossSite(
      t
        .http()
        .delete(`/users/${locked.user.id}/login-lockout`)
        .set('Cookie', accessCookie(adminSession.accessToken)),
    );
    expectProblem(response, 403, 'CSRF_REJECTED');
    expect((await lockoutOf(t, locked.user.id))?.failures).toBe(1);

    // The same request authenticated by a bearer header only cannot be forged by a browser: allowed.
    const bearer = await crossSite(
      t
        .http()
        .delete(`/users/${locked.user.id}/login-lockout`)
        .set('Authorization', `Bearer ${adminSession.accessToken}`),
    );
    expect(bearer.status).toBe(204);
    expect(await lockoutOf(t, locked.user.id)).toBeNull();
  });

  it('allows the same change-password and logout from a foreign origin with a bearer header and no cookie', async () => {
    const bob = await createUser(t);
    const bobSession = await logIn(t, bob);
    const bearer = `Bearer ${bobSession.accessToken}`;
    const changed = await crossSite(
      t
        .http()
        .post('/auth/change-password')
        .set('Authorization', bearer)
        .send({ current_password: bob.password, new_password: 'a brand new passphrase' }),
    );
    expect(changed.status).toBe(200);
    const loggedOut = await crossSite(t.http().post('/auth/logout').set('Authorization', bearer));
    expect(loggedOut.status).toBe(200);
    expect((await loadSession(t, bobSession.sessionId)).revokedReason).toBe('logout');
  });

  it('does not exempt a bearer request that also carries cookies', async () => {
    const response = await crossSite(
      t
        .http()
        .post('/test-probe/write')
        .set('Authorization', `Bearer ${session.accessToken}`)
        .set('Cookie', accessCookie(session.accessToken)),
    );
    expectProblem(response, 403, 'CSRF_REJECTED');
  });

  it('refuses a cross-site login form post (login CSRF) before checking anything', async () => {
    const sessionsBefore = await countSessions(t, alice.user.id);
    const response = await t
      .http()
      .post('/auth/login')
      .set('Origin', EVIL)
      .type('form')
      .send({ username: alice.username, password: alice.password });
    expectProblem(response, 403, 'CSRF_REJECTED');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(await countSessions(t, alice.user.id)).toBe(sessionsBefore);
  });

  const write = () =>
    t.http().post('/test-probe/write').set('Cookie', accessCookie(session.accessToken));

  it.each([['null'], [`${SPA}.evil.example`], ['http://app.example.com'], [`${SPA}:8443`]])(
    'refuses the look-alike or opaque origin %s',
    async (origin) => {
      expectProblem(await write().set('Origin', origin), 403, 'CSRF_REJECTED');
    },
  );

  it('refuses a cross-site browser request that hides its Origin', async () => {
    expectProblem(await write().set('Sec-Fetch-Site', 'cross-site'), 403, 'CSRF_REJECTED');
  });

  it('lets same-origin browser requests, the allowlisted SPA and non-browser clients through', async () => {
    expect((await write().set('Sec-Fetch-Site', 'same-origin')).status).toBe(200);
    expect(
      (await write().set('Host', 'aegis.internal:8443').set('Origin', 'http://aegis.internal:8443'))
        .status,
    ).toBe(200);
    expect((await write().set('Origin', SPA).set('Sec-Fetch-Site', 'same-site')).status).toBe(200);
    expect((await write()).status).toBe(200); // curl, a CLI: neither header
  });

  it('refuses a text/plain body (the CORS "simple request" a form can send) with 415', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ username: alice.username, password: alice.password }));
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(response.headers['set-cookie']).toBeUndefined();
  });
});

/**
 * The same attack from another port of the service's own host (another app on https://a:9000 reaching
 * https://a:8443): an origin is scheme, host and port, so a different port is a different origin. Deployed
 * as it would be behind a TLS-terminating proxy: secure cookies, the proxy trusted for X-Forwarded-Proto.
 */
describe('security: cross-origin requests from another port of the same host', () => {
  let t: TestApp;
  let session: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp({ env: { SECURE_COOKIES: 'true', TRUSTED_PROXIES: '127.0.0.1' } });
    session = await logIn(t, await createUser(t));
  });
  afterAll(() => t.close());

  const writeFrom = (origin: string) =>
    t
      .http()
      .post('/test-probe/write')
      .set('Host', 'a:8443')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `${cookieNamesOf(t).access}=${session.accessToken}`)
      .set('Origin', origin);

  it('refuses a cookie-authenticated write whose Origin differs from the own origin only by its port', async () => {
    expectProblem(await writeFrom('https://a:9000'), 403, 'CSRF_REJECTED');
    // The same request from the own origin passes: the port alone made the difference.
    expect((await writeFrom('https://a:8443')).status).toBe(200);
  });
});

/**
 * Go's CrossOriginProtection, exactly: a cross-site request is refused whatever Host it names, and the own origin
 * is PUBLIC_URL's scheme, host and port, never what the client's Host header claims.
 */
describe('security: the own origin comes from PUBLIC_URL', () => {
  let t: TestApp;
  let session: LoggedIn;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_URL: 'https://aegis.example.com' } });
    session = await logIn(t, await createUser(t));
  });
  afterAll(() => t.close());

  const write = () =>
    t.http().post('/test-probe/write').set('Cookie', accessCookie(session.accessToken));

  it('refuses a cross-site request even when its Origin names this host (any scheme)', async () => {
    for (const origin of ['https://aegis.example.com', 'http://aegis.example.com']) {
      expectProblem(
        await write()
          .set('Host', 'aegis.example.com')
          .set('Origin', origin)
          .set('Sec-Fetch-Site', 'cross-site'),
        403,
        'CSRF_REJECTED',
      );
    }
  });

  it('compares an Origin without Sec-Fetch-Site with PUBLIC_URL, not with the Host header', async () => {
    expect((await write().set('Origin', 'https://aegis.example.com')).status).toBe(200);
    for (const origin of ['http://aegis.example.com', 'https://aegis.example.com:8443']) {
      expectProblem(await write().set('Origin', origin), 403, 'CSRF_REJECTED');
    }
    expectProblem(
      await write().set('Host', 'evil.example').set('Origin', 'http://evil.example'),
      403,
      'CSRF_REJECTED',
    );
  });
});

describe('security: without PUBLIC_URL (development) the own origin includes the scheme', () => {
  let t: TestApp;
  let session: LoggedIn;
  beforeAll(async () => {
    t = await createTestApp();
    session = await logIn(t, await createUser(t));
  });
  afterAll(() => t.close());

  it('refuses an https:// Origin of the same host on a plain-HTTP service', async () => {
    const response = await t
      .http()
      .post('/test-probe/write')
      .set('Cookie', accessCookie(session.accessToken))
      .set('Host', 'aegis.internal:8443')
      .set('Origin', 'https://aegis.internal:8443');
    expectProblem(response, 403, 'CSRF_REJECTED');
  });
});
