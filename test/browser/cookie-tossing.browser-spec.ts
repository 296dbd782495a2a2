/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { logIn } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../support/test-app';
import { launchChromium } from './browser';

/**
 * Cookie tossing in a real browser: Aegis serves app.aegis.test; a sibling site, evil.aegis.test, plants its own
 * refresh cookie for the parent domain with a longer path, so Chromium sends it before the victim's. Aegis must
 * refuse the ambiguous request instead of switching the victim into the attacker's session.
 */
describe('a refresh cookie planted by a sibling subdomain (Chromium)', () => {
  let t: TestApp;
  let port: number;
  let browser: Browser;
  let victim: UserFixture;
  let attacker: UserFixture;

  beforeAll(async () => {
    t = await createTestApp({ env: { SERVE_DEMO: 'true' } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
    browser = await launchChromium(['--host-resolver-rules=MAP *.aegis.test 127.0.0.1']);
    victim = await createUser(t);
    attacker = await createUser(t);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses the doubled cookie, clears the planted one too, and never signs the victim in as the attacker', async () => {
    const context = await browser.newContext();
    try {
      const app = await context.newPage();
      await app.goto(`http://app.aegis.test:${port}/demo/`);
      const login = await app.evaluate(
        async ([username, password]) =>
          (
            await fetch('/auth/login', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ username, password }),
            })
          ).status,
        [victim.username, victim.password],
      );
      expect(login).toBe(200);

      const planted = await logIn(t, attacker);
      const evil = await context.newPage();
      await evil.goto(`http://evil.aegis.test:${port}/demo/`);
      await evil.evaluate((token) => {
        document.cookie = `aegis_refresh=${token}; Domain=aegis.test; Path=/auth/refresh`;
      }, planted.refreshToken);
      const refreshCookies = async () =>
        (await context.cookies(`http://app.aegis.test:${port}/auth/refresh`)).filter(
          (cookie) => cookie.name === 'aegis_refresh',
        );
      expect((await refreshCookies()).map((cookie) => cookie.domain).sort()).toEqual([
        '.aegis.test',
        'app.aegis.test',
      ]);

      const refresh = await app.evaluate(async () => {
        const response = await fetch('/auth/refresh', { method: 'POST' });
        return { status: response.status, body: (await response.json()) as { code?: string } };
      });
      expect(refresh).toEqual({
        status: 401,
        body: expect.objectContaining({ code: 'AMBIGUOUS_COOKIES' }),
      });

      const me = await app.evaluate(async () => {
        const response = await fetch('/auth/me');
        return { status: response.status, body: (await response.json()) as { id?: string } };
      });
      expect(me.body.id).not.toBe(attacker.user.id);
      expect(me.status).toBe(401);
      // The planted cookie (Domain=aegis.test, Path=/auth/refresh) was cleared as well.
      expect(await refreshCookies()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
