import type { Response } from 'supertest';
import { logIn } from '../factories/session.factory';
import { createUser } from '../factories/user.factory';
import { LEAK, STACK_TRACE } from '../support/security';
import { createTestApp, TEST_ADMIN, type TestApp } from '../support/test-app';

/** What every response must carry, whatever produced it (a route, a guard, the router, a crash, a plugin). */
function expectSecurityHeaders(response: Response): void {
  const label = `a ${response.status} response`;
  expect({ label, headers: response.headers }).toMatchObject({
    label,
    headers: {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
    },
  });
  expect(response.headers['x-powered-by']).toBeUndefined();
  expect(response.headers.server).toBeUndefined();
  expect(response.text ?? '').not.toMatch(response.status >= 400 ? LEAK : STACK_TRACE);
}

/** Attack: frame, sniff, cache or leak what the service answers. */
describe('security: response headers', () => {
  let t: TestApp;
  let bearer: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
    bearer = `Bearer ${(await logIn(t, await createUser(t))).accessToken}`;
  });
  afterAll(() => t.close());

  it('are on every response: 2xx, 4xx of every origin, 404, 413, 415, 429 and 500, with no stack trace anywhere', async () => {
    const responses = [
      await t.http().get('/auth/me').set('Authorization', bearer),
      await t.http().get('/auth/me'),
      await t.http().get('/test-probe/admin').set('Authorization', bearer),
      await t.http().get('/nowhere'),
      await t.http().delete('/auth/me'),
      await t.http().get('/test-probe/crash'),
      await t
        .http()
        .post('/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"broken": '),
      await t.http().post('/auth/login').set('Content-Type', 'text/plain').send('x'),
      await t
        .http()
        .post('/auth/login')
        .send({ username: 'x', password: 'y'.repeat(20_000) }),
      await t.http().post('/auth/login').send({ username: 'x-user', password: 'y' }),
      await t.http().post('/auth/login').send({ username: 'x-user', password: 'y' }),
      await t.http().post('/auth/login').send({ username: 'x-user', password: 'y' }),
      await t.http().post('/auth/login').send(TEST_ADMIN),
      await t.http().get('/docs-json'),
    ];
    expect(responses.map((response) => response.status)).toEqual(
      // The limit is 3 logins a minute per IP, and beforeAll used one.
      [200, 401, 403, 404, 404, 500, 400, 415, 413, 401, 401, 429, 429, 200],
    );
    for (const response of responses) expectSecurityHeaders(response);
  });

  it('give the JSON API a CSP that allows nothing at all', async () => {
    const response = await t.http().get('/auth/me');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    );
  });

  it('mark every API response no-store, errors and encoded paths included, and leave Swagger UI alone', async () => {
    for (const response of [
      await t.http().post('/%61uth/login').send({ username: 'nobody-x', password: 'y' }),
      await t.http().get('/users').set('Authorization', bearer),
      await t.http().post('/auth/login').send({ username: 'nobody-x', password: 'y' }),
      await t.http().get('/auth/me').set('Authorization', bearer),
      await t.http().get('/auth/me'),
      await t.http().post('/auth/refresh'),
      await t.http().post('/auth/logout'),
      await t.http().get('/auth/nothing-here'),
    ]) {
      expect(response.headers['cache-control']).toBe('no-store');
    }
    expect((await t.http().get('/docs-json')).headers['cache-control']).toBeUndefined();
  });

  it('send no HSTS outside production (it would pin plain-HTTP development hosts)', async () => {
    expect((await t.http().get('/nowhere')).headers['strict-transport-security']).toBeUndefined();
  });
});

const PRODUCTION = {
  AEGIS_ENV: 'production',
  PUBLIC_URL: 'https://aegis.example.com',
  MFA_ENCRYPTION_KEY: 'q7Vd2mX9pL4sT8wZ1cR6yN3bH5kF0jGa8eU2iO4xQ1s=',
  METRICS_TOKEN: 'metrics-token-0123456789',
  OIDC_ENCRYPTION_KEY: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
};

describe('security: response headers in production', () => {
  it('serves no Swagger UI or document unless DOCS_ENABLED=true, and /metrics only with its token', async () => {
    const t = await createTestApp({ env: PRODUCTION });
    try {
      expect((await t.http().get('/docs-json')).status).toBe(404);
      expect((await t.http().get('/docs')).status).toBe(404);
      expect((await t.http().get('/metrics')).status).toBe(401);
      const metrics = await t
        .http()
        .get('/metrics')
        .set('Authorization', `Bearer ${PRODUCTION.METRICS_TOKEN}`);
      expect(metrics.status).toBe(200);
    } finally {
      await t.close();
    }
    const withDocs = await createTestApp({ env: { ...PRODUCTION, DOCS_ENABLED: 'true' } });
    try {
      expect((await withDocs.http().get('/docs-json')).status).toBe(200);
    } finally {
      await withDocs.close();
    }
  });

  it('add HSTS for a year, subdomains included, on every response', async () => {
    const t = await createTestApp({ env: PRODUCTION });
    try {
      for (const response of [
        await t.http().get('/nowhere'),
        await t.http().post('/auth/login').send(TEST_ADMIN),
      ]) {
        expect(response.headers['strict-transport-security']).toBe(
          'max-age=31536000; includeSubDomains',
        );
        expectSecurityHeaders(response);
      }
    } finally {
      await t.close();
    }
  });
});

/** Swagger UI must keep working under its CSP: a browser test of /docs follows; this checks what it loads. */
describe('security: Swagger UI under its content security policy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves /docs with a CSP that allows its own scripts, styles and images, and nothing from elsewhere', async () => {
    const page = await t.http().get('/docs');
    expect(page.status).toBe(200);
    expectSecurityHeaders(page);
    const csp = Object.fromEntries(
      String(page.headers['content-security-policy'])
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(csp).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    });
    // script-src 'self' has no 'unsafe-inline': the page must not rely on inline scripts or handlers.
    expect(page.text).not.toMatch(
      /<script>(?!\s*<\/script>)|<script(?![^>]*\ssrc=)[^>]*>[^<]|\son[a-z]+=/i,
    );
  });

  it('serves every script, stylesheet and icon the page references, from this origin, with the right type', async () => {
    const page = await t.http().get('/docs');
    const references = [...page.text.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map(
      (match) => match[1],
    );
    expect(references.length).toBeGreaterThanOrEqual(4);
    for (const reference of references) {
      expect(reference).not.toMatch(/^(https?:)?\/\//); // nothing from another origin
      const url = new URL(reference, 'http://aegis.test/docs').pathname;
      const asset = await t.http().get(url);
      expect({ url, status: asset.status }).toEqual({ url, status: 200 });
      const type = String(asset.headers['content-type']);
      if (url.endsWith('.js')) expect(type).toMatch(/javascript/);
      if (url.endsWith('.css')) expect(type).toMatch(/text\/css/);
      if (url.endsWith('.png')) expect(type).toMatch(/image\/png/);
    }
  });

  it('configures Swagger UI without the third-party validator badge (it would call validator.swagger.io)', async () => {
    const init = await t.http().get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toMatch(/"validatorUrl":\s*null/);
  });
});
