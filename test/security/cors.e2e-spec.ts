import type { Response } from 'supertest';
import { logIn } from '../factories/session.factory';
import { createUser } from '../factories/user.factory';
import { createTestApp, TEST_ADMIN, type TestApp } from '../support/test-app';

const SPA = 'https://app.example.com';

const corsHeadersOf = (response: Response) =>
  Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));

/** Attack: read credentialed responses from another origin, through a permissive or reflecting CORS policy. */
describe('security: CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: SPA } });
  });
  afterAll(() => t.close());

  const preflight = (origin: string) =>
    t
      .http()
      .options('/auth/login')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');

  it.each([
    ['a foreign origin', 'https://evil.example'],
    ['the opaque origin null', 'null'],
    ['a look-alike suffix', `${SPA}.evil.example`],
    ['a look-alike prefix', 'https://evil-app.example.com'],
    ['another scheme', 'http://app.example.com'],
    ['another port', `${SPA}:8443`],
  ])(
    'gives %s no allow headers on preflight, and no CORS headers on the request',
    async (_l, origin) => {
      const response = await preflight(origin);
      expect(corsHeadersOf(response)).toEqual([]);
      expect(response.status).toBe(404);
      const actual = await t.http().post('/auth/login').set('Origin', origin).send(TEST_ADMIN);
      expect(corsHeadersOf(actual)).toEqual([]);
      expect(actual.headers.vary).toContain('Origin');
    },
  );

  it('answers the allowlisted origin with an exact echo, credentials and Vary: Origin, never *', async () => {
    const response = await preflight(SPA);
    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': SPA,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': expect.stringContaining('POST'),
      'access-control-allow-headers': expect.stringMatching(/Content-Type.*Authorization/),
      'access-control-max-age': '600',
    });
    expect(response.headers.vary).toContain('Origin');
    // Security headers are on a preflight answered by the CORS plugin too.
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('lets the allowlisted SPA read a credentialed response (and its request id and Retry-After)', async () => {
    const alice = await createUser(t);
    const session = await logIn(t, alice);
    const response = await t
      .http()
      .get('/auth/me')
      .set('Origin', SPA)
      .set('Authorization', `Bearer ${session.accessToken}`);
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(SPA);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers['access-control-expose-headers']).toBe('X-Request-Id, Retry-After');
    expect(response.headers.vary).toContain('Origin');
  });

  it('never answers *, with or without an Origin', async () => {
    for (const response of [
      await t.http().get('/auth/me'),
      await t.http().get('/auth/me').set('Origin', '*'),
      await t.http().get('/docs-json').set('Origin', 'https://evil.example'),
    ]) {
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });
});
