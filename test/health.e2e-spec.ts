import { createTestApp, type TestApp } from './support/test-app';

describe('GET /health/live and /health/ready', () => {
  let t: TestApp;
  const redisConfigured = Boolean(process.env.TEST_REDIS_URL);

  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1' } });
  });
  afterAll(() => t.close());

  it('live: 200 without credentials, checking no dependency', async () => {
    const response = await t.http().get('/health/live');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', checks: {} });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('ready: 200 naming each dependency checked', async () => {
    const response = await t.http().get('/health/ready');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'ok',
      checks: { database: 'up', ...(redisConfigured && { redis: 'up' }) },
    });
  });

  it('is not rate limited, whatever the login limit', async () => {
    for (let probe = 0; probe < 10; probe++) {
      expect((await t.http().get('/health/ready')).status).toBe(200);
      expect((await t.http().get('/health/live')).status).toBe(200);
    }
  });

  it('ready: 503 problem+json with Retry-After while the database is gone, then 200 again', async () => {
    await t.dataSource.destroy();
    try {
      const response = await t.http().get('/health/ready');
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body).toMatchObject({
        code: 'NOT_READY',
        detail: 'unreachable: database',
        request_id: response.headers['x-request-id'],
      });
      expect((await t.http().get('/health/live')).status).toBe(200);
    } finally {
      await t.dataSource.initialize();
    }
    expect((await t.http().get('/health/ready')).status).toBe(200);
  });
});

describe('the OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('documents /health/live, /health/ready (public) and /metrics (metrics token)', async () => {
    const document = (await t.http().get('/docs-json')).body;
    // Public: an explicit empty requirement, so clients and linters know no credentials are needed.
    expect(document.paths['/health/live'].get.security).toEqual([]);
    expect(Object.keys(document.paths['/health/ready'].get.responses)).toEqual(
      expect.arrayContaining(['200', '503']),
    );
    // The token is needed only when METRICS_TOKEN is set: the scheme, or nothing.
    expect(document.paths['/metrics'].get.security).toEqual([{ metrics_token: [] }, {}]);
    expect(document.components.securitySchemes.metrics_token).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });
});
