import { createTestApp, type TestApp } from './support/test-app';

describe('the demo page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is not served unless SERVE_DEMO=true', async () => {
    for (const path of ['/demo/', '/demo/index.html', '/demo/client/aegis-client.js']) {
      const response = await t.http().get(path);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOT_FOUND');
    }
  });
});
