/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { createUser, type UserFixture } from '../factories/user.factory';
import { freePort } from '../support/free-port';
import { hostResolverRules, IDP_HOST, RP_HOST } from '../support/loopback-hosts';
import { createTestApp, type TestApp } from '../support/test-app';
import { launchChromium } from './browser';
import { RelyingParty } from './relying-party';

/**
 * The hosted sign-in behind a host name that is neither localhost nor 127.0.0.1, on plain HTTP: Chromium sends
 * no Sec-Fetch-Site there, so the sign-in form's own POST is told apart from a forgery by its Origin alone,
 * which the pages' referrer policy must let through. Aegis at http://idp.test:PORT (its PUBLIC_URL), the tool at
 * http://rp.test:PORT.
 */
describe('the hosted sign-in on plain HTTP under a host name of its own', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let alice: UserFixture;
  const wiki = new RelyingParty('Wiki', RP_HOST);

  beforeAll(async () => {
    const port = await freePort();
    base = `http://${IDP_HOST}:${port}`;
    t = await createTestApp({ env: { PUBLIC_URL: base } });
    await t.app.listen(port, '127.0.0.1');
    await wiki.register(t, base, { backchannel: false });
    alice = await createUser(t);
    browser = await launchChromium([hostResolverRules()]);
  });
  afterAll(async () => {
    await browser?.close();
    await wiki.stop();
    await t?.close();
  });

  it('signs in through the form: the POST carries the page origin and no Sec-Fetch-Site, and passes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const posts: Record<string, string>[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/oidc/interaction/'))
        posts.push(request.headers());
    });

    await page.goto(`${wiki.base}/login`);
    await page.waitForURL(new RegExp(`^${base}/oidc/interaction/`));
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    await page.fill('#username', alice.username);
    await page.fill('#password', alice.password);
    await page.click('button[type=submit]');
    // Refused, the POST would stay on an Aegis page ("This form was not sent from Aegis").
    await page.waitForURL(`${wiki.base}/`, { timeout: 10_000 });
    expect(await page.textContent('#status')).toBe(`Wiki: signed in as ${alice.user.id} (amr pwd)`);

    expect(posts).toHaveLength(1);
    expect(posts[0].origin).toBe(base);
    expect(posts[0]['sec-fetch-site']).toBeUndefined();
    await context.close();
  });
});
