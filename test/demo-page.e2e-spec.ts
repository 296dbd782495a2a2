import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, type TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

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

describe('the demo page with SERVE_DEMO=true', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The page loads the published browser client; build it once if this checkout has not.
    if (!existsSync(join(ROOT, 'client/dist/aegis-client.js'))) {
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'client/tsconfig.build.json'],
        { cwd: ROOT, stdio: 'pipe' },
      );
    }
    t = await createTestApp({ env: { SERVE_DEMO: 'true' } });
  }, 60_000);
  afterAll(() => t.close());

  it('leads /demo to /demo/', async () => {
    const response = await t.http().get('/demo');
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('/demo/');
    expect((await t.http().get('/demo/')).status).toBe(200);
  });

  it('offers the password change a must-change account needs, hidden until then', async () => {
    const page = await t.http().get('/demo/');
    expect(page.text).toMatch(/<form id="change-password" hidden>/);
    const script = await t.http().get('/demo/demo.js');
    expect(script.text).toContain('client.changePassword(');
    expect(script.text).toContain('me.must_change_password');
  });
});
