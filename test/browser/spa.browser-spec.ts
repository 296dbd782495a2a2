/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AuditAction } from '../../src/audit/audit-action';
import { SessionRevocationReason } from '../../src/sessions/entities/session.entity';
import { SessionsService } from '../../src/sessions/sessions.service';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { createUser, type UserFixture } from '../factories/user.factory';
import { auditEvents } from '../support/audit';
import { createTestApp, type TestApp } from '../support/test-app';
import { launchChromium } from './browser';

const ARTIFACTS = join(__dirname, 'artifacts');

/** The SPA flow in real Chromium: the demo page and the published client against a real Aegis. */
describe('the SPA client in a real browser', () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let alice: UserFixture;
  /** Every POST /auth/refresh any page of the context sent. */
  let refreshes: number;

  beforeAll(async () => {
    t = await createTestApp({ env: { SERVE_DEMO: 'true' } });
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  beforeEach(async () => {
    alice = await createUser(t);
    context = await browser.newContext();
    refreshes = 0;
    context.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/auth/refresh')) refreshes++;
    });
  });
  afterEach(() => context.close());

  async function openDemo(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${url}/demo/`);
    return page;
  }

  async function logInThroughTheForm(page: Page): Promise<void> {
    await page.fill('input[name=username]', alice.username);
    await page.fill('input[name=password]', alice.password);
    await page.click('#login button[type=submit]');
    await page.waitForFunction(() =>
      document.getElementById('status')?.textContent?.startsWith('Signed in'),
    );
  }

  const output = (page: Page) => page.textContent('#output');
  const expiredCount = async (page: Page) =>
    Number(await page.getAttribute('#status', 'data-expired-count'));
  /** Past the 5-minute access-token lifetime (and its 30 s leeway) of the test configuration. */
  const expireAccessTokens = () => t.clock.advance(6 * 60_000);

  it('logs in through the form; JavaScript cannot read the tokens; /auth/me works', async () => {
    const page = await openDemo();
    await logInThroughTheForm(page);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.name).sort()).toEqual([
      'aegis_device',
      'aegis_refresh',
      'aegis_token',
    ]);
    expect(cookies.every((cookie) => cookie.httpOnly && cookie.sameSite === 'Strict')).toBe(true);
    await page.click('#whoami');
    await page.waitForFunction(() =>
      document.getElementById('output')?.textContent?.includes('"username"'),
    );
    expect(JSON.parse((await output(page))!)).toMatchObject({ username: alice.username });
  });

  it('heals an expired access token for 5 parallel calls with exactly one refresh', async () => {
    const page = await openDemo();
    await logInThroughTheForm(page);
    expireAccessTokens();
    await page.click('#parallel');
    await page.waitForFunction(() =>
      /^\d{3}(,\d{3}){4}$/.test(document.getElementById('output')?.textContent ?? ''),
    );
    expect(await output(page)).toBe('200,200,200,200,200');
    expect(refreshes).toBe(1);
    expect(
      await auditEvents(t, { action: AuditAction.TokenRefreshed, actorUserId: alice.user.id }),
    ).toHaveLength(1);
  });

  it('lets two tabs with expired tokens act at the same moment: both stay in, one rotation, no reuse alarm', async () => {
    const first = await openDemo();
    await logInThroughTheForm(first);
    const second = await openDemo();
    expireAccessTokens();
    await Promise.all([first.click('#parallel'), second.click('#parallel')]);
    for (const page of [first, second]) {
      await page.waitForFunction(() =>
        /^\d{3}(,\d{3}){4}$/.test(document.getElementById('output')?.textContent ?? ''),
      );
      expect(await output(page)).toBe('200,200,200,200,200');
      expect(await expiredCount(page)).toBe(0);
    }
    expect(refreshes).toBe(1);
    expect(
      await auditEvents(t, { action: AuditAction.RefreshTokenReused, actorUserId: alice.user.id }),
    ).toHaveLength(0);
  });

  it("ends the other tab's session on its next call after a logout in one tab", async () => {
    const first = await openDemo();
    await logInThroughTheForm(first);
    const second = await openDemo();
    await first.click('#logout');
    await first.waitForFunction(
      () => document.getElementById('status')?.textContent === 'Signed out.',
    );
    await second.click('#whoami');
    await second.waitForFunction(
      () => document.getElementById('status')?.dataset.expiredCount === '1',
    );
    expect(await second.textContent('#status')).toContain('Session expired');
  });

  it('redirects once, without a refresh loop, when an admin ended the session', async () => {
    const page = await openDemo();
    await logInThroughTheForm(page);
    const sessions = t.app.get(SessionsService);
    await t.app
      .get(UnitOfWork)
      .run(() => sessions.revokeAllForUser(alice.user.id, SessionRevocationReason.RevokedByAdmin));
    expireAccessTokens();
    await page.click('#parallel');
    await page.waitForFunction(() =>
      /^\d{3}(,\d{3}){4}$/.test(document.getElementById('output')?.textContent ?? ''),
    );
    expect(await output(page)).toBe('401,401,401,401,401');
    expect(await expiredCount(page)).toBe(1);
    expect(refreshes).toBe(1);
    await page.click('#parallel');
    await page.waitForTimeout(200);
    expect(await expiredCount(page)).toBe(1);
    expect(refreshes).toBe(2);
  });

  it('offers the password change to an account that must make it, then signs it in; the fields are emptied', async () => {
    const bob = await createUser(t, { mustChangePassword: true });
    const page = await openDemo();
    expect(await page.isVisible('#change-password')).toBe(false);
    await page.fill('input[name=username]', bob.username);
    await page.fill('input[name=password]', bob.password);
    await page.click('#login button[type=submit]');
    await page.waitForFunction(() =>
      document.getElementById('status')?.textContent?.includes('choose a new password'),
    );
    expect(await page.inputValue('input[name=password]')).toBe('');
    expect(await page.isVisible('#change-password')).toBe(true);
    await page.fill('input[name=current_password]', bob.password);
    await page.fill('input[name=new_password]', 'a brand new pass phrase 5e1d');
    await page.click('#change-password button[type=submit]');
    await page.waitForFunction(
      (name) => document.getElementById('status')?.textContent === `Signed in as ${name}.`,
      bob.username,
    );
    expect(await page.isVisible('#change-password')).toBe(false);
    expect(await page.inputValue('input[name=new_password]')).toBe('');
    expect(JSON.parse((await output(page))!)).toMatchObject({ must_change_password: false });
  });

  it('empties the password after a failed login, and after its own logout says signed out, not expired', async () => {
    const page = await openDemo();
    await page.fill('input[name=username]', alice.username);
    await page.fill('input[name=password]', 'not the password at all 0');
    await page.click('#login button[type=submit]');
    await page.waitForFunction(
      () => document.getElementById('status')?.textContent === 'Login failed.',
    );
    expect(await page.inputValue('input[name=password]')).toBe('');

    await logInThroughTheForm(page);
    expect(await page.inputValue('input[name=username]')).toBe('');
    await page.click('#logout');
    await page.waitForFunction(
      () => document.getElementById('status')?.textContent === 'Signed out.',
    );
    await page.click('#whoami');
    await page.waitForFunction(() =>
      document.getElementById('output')?.textContent?.startsWith('Not signed in'),
    );
    expect(await page.textContent('#status')).toBe('Signed out.');
    expect(await expiredCount(page)).toBe(0);
  });

  it('lets a person use Swagger UI with a bearer token and call GET /auth/me', async () => {
    const login = await t
      .http()
      .post('/auth/login')
      .send({ username: alice.username, password: alice.password });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        violations.push(message.text());
    });
    await page.goto(`${url}/docs`);
    await page.click('button.authorize');
    const bearer = page.locator('.auth-container', { hasText: 'bearer' }).first();
    await bearer.locator('input').fill(login.body.access_token);
    await bearer.locator('button.authorize').click();
    await page.click('button.btn-done');
    const operation = page.locator('#operations-auth-getCurrentUser');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('button.execute').click();
    const status = operation
      .locator('.live-responses-table tr.response .response-col_status')
      .first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    expect(
      await operation
        .locator('.live-responses-table tr.response .microlight')
        .first()
        .textContent(),
    ).toContain(alice.username);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui-auth-me.png'), fullPage: true });
    expect(violations).toEqual([]);
  });
});
