import { accessCookie, logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { createTestApp, type TestApp } from './support/test-app';

describe('cross-origin protection of cookie-authenticated writes', () => {
  let t: TestApp;
  let cookie: string;
  let bearer: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });
    const session = await logIn(t, await createUser(t));
    cookie = accessCookie(session.accessToken);
    bearer = `Bearer ${session.accessToken}`;
  });
  afterAll(() => t.close());

  const write = () => t.http().post('/test-probe/write').set('Cookie', cookie);

  it('refuses a cookie write from a foreign origin with 403 CSRF_REJECTED', async () => {
    const response = await write()
      .set('Origin', 'https://evil.example')
      .set('Sec-Fetch-Site', 'cross-site');
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('CSRF_REJECTED');
  });

  it.each([['null'], ['https://app.example.com.evil.example'], ['http://app.example.com']])(
    'refuses the look-alike or opaque origin %s',
    async (origin) => {
      expect((await write().set('Origin', origin)).status).toBe(403);
    },
  );

  it('refuses a cross-site browser request that hides its Origin', async () => {
    expect((await write().set('Sec-Fetch-Site', 'cross-site')).status).toBe(403);
  });

  it('refuses a cross-site login form post (login CSRF)', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .set('Origin', 'https://evil.example')
      .send({ username: 'x-user', password: 'y-password' });
    expect(response.status).toBe(403);
  });

  it('lets same-origin browser requests, allowlisted origins and non-browser clients through', async () => {
    expect((await write().set('Sec-Fetch-Site', 'same-origin')).status).toBe(200);
    expect(
      (
        await write()
          .set('Host', 'aegis.internal:8443')
          .set('Origin', 'https://aegis.internal:8443')
      ).status,
    ).toBe(200);
    expect(
      (await write().set('Origin', 'https://app.example.com').set('Sec-Fetch-Site', 'cross-site'))
        .status,
    ).toBe(200);
    expect((await write()).status).toBe(200);
  });

  it('exempts requests authenticated by a bearer header only', async () => {
    const response = await t
      .http()
      .post('/test-probe/write')
      .set('Authorization', bearer)
      .set('Origin', 'https://evil.example');
    expect(response.status).toBe(200);
  });
});
