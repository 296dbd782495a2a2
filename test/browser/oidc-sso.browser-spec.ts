/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { withTotp, type EnrolledTotp } from '../factories/mfa.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../support/test-app';
import { totpCode } from '../support/totp';
import { launchChromium } from './browser';
import { RelyingParty } from './relying-party';

const ARTIFACTS = join(__dirname, 'artifacts');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Single sign-on in real Chromium: two tools (tiny openid-client apps on two ports) behind Aegis's hosted pages.
 * Sign in at the first with password and TOTP, the second signs in with no prompt; log out at one and both are
 * signed out, the second through back-channel logout. The hosted pages run under their strict CSP (no script)
 * and pass axe-core's checks.
 */
describe('single sign-on across two tools in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let alice: UserFixture;
  let totp: EnrolledTotp;
  const tools = [new RelyingParty('Wiki'), new RelyingParty('Tracker')];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    for (const tool of tools) await tool.register(t, base, { backchannel: true });
    alice = await createUser(t);
    totp = await withTotp(t, alice);
    browser = await launchChromium();
    context = await browser.newContext();
    context.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    for (const tool of tools) await tool.stop();
    await t?.close();
  });

  /** axe-core in the page (evaluated by the driver, which the page's CSP does not govern). */
  async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
    await page.evaluate(AXE);
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } })
        .axe;
      return (await axe.run()).violations as AxeViolation[];
    });
  }

  const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
  const status = (page: Page) => page.textContent('#status');

  it('signs in at the first tool with password and TOTP, at the second with no prompt, and out of both at once', async () => {
    const [wiki, tracker] = tools;
    const page = await context.newPage();

    await page.goto(`${wiki.base}/login`);
    await page.waitForURL(/\/oidc\/interaction\//);
    expect(await page.textContent('h1')).toBe('Sign in');
    expect(await focusedId(page)).toBe('username');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('password');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'oidc-sign-in.png'), fullPage: true });
    await page.fill('#username', alice.username);
    await page.fill('#password', alice.password);
    await page.click('button[type=submit]');

    await page.waitForSelector('#code');
    expect(await page.textContent('h1')).toBe('Enter your code');
    expect(await focusedId(page)).toBe('code');
    expect(await page.getAttribute('#code', 'aria-describedby')).toBe('code-hint');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'oidc-code-step.png'), fullPage: true });
    await page.fill('#code', totpCode(totp.secret, t.clock));
    await page.click('button[type=submit]');
    await page.waitForURL(`${wiki.base}/`);
    expect(await status(page)).toBe(`Wiki: signed in as ${alice.user.id} (amr pwd otp)`);

    // The second tool: Aegis knows the browser, no page is shown.
    await page.goto(`${tracker.base}/login`);
    await page.waitForURL(`${tracker.base}/`);
    expect(await status(page)).toBe(`Tracker: signed in as ${alice.user.id} (amr pwd otp)`);

    // RP-initiated logout at the first tool: Aegis asks, then ends everything.
    await page.goto(`${wiki.base}/logout`);
    await page.waitForSelector('text=Sign out of Aegis?');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'oidc-logout.png'), fullPage: true });
    await page.click('button[name=logout]');
    await page.waitForURL(`${wiki.base}/signed-out`);

    // The second tool heard it through the back channel and ended its own session.
    const until = Date.now() + 5_000;
    while (tracker.logoutTokens.length === 0 && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(tracker.logoutTokens.length).toBeGreaterThan(0);
    await page.goto(`${tracker.base}/`);
    expect(await status(page)).toBe('Tracker: signed out');
    await page.goto(`${wiki.base}/`);
    expect(await status(page)).toBe('Wiki: signed out');

    // Aegis's own session ended too, and signing in at a tool asks for the password again.
    const me = await page.request.get(`${base}/auth/me`);
    expect(me.status()).toBe(401);
    await page.goto(`${tracker.base}/login`);
    await page.waitForURL(/\/oidc\/interaction\//);
    expect(await page.textContent('h1')).toBe('Sign in');
    expect(cspViolations).toEqual([]);
  });
});
