/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { enrolPasskey, type EnrolledPasskey } from '../factories/passkey.factory';
import { logIn } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../support/test-app';
import { SoftwareAuthenticator } from '../support/webauthn-authenticator';
import { addVirtualAuthenticator, launchChromium } from './browser';
import { RelyingParty } from './relying-party';

const ARTIFACTS = join(__dirname, 'artifacts');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** A port nobody listens on now: PUBLIC_URL must name it before Aegis starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The passkey button of the hosted sign-in in real Chromium: a tool sends the user to Aegis, the password step,
 * then the button's script (under the page's strict CSP) fetches the options and Chromium's virtual
 * authenticator answers; the tool is signed in with amr pwd+hwk. Without JavaScript the same page still signs
 * in with a recovery code. Aegis is reached at localhost (an RP ID must be a domain, and http://localhost is a
 * secure context); the passkey is enrolled through the API and handed to the virtual authenticator.
 */
describe('a passkey on the hosted sign-in page in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let alice: UserFixture;
  let passkey: EnrolledPasskey;
  const tool = new RelyingParty('Wiki');

  beforeAll(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    t = await createTestApp({ env: { PUBLIC_URL: base } });
    await t.app.listen(port, '127.0.0.1');
    await tool.register(t, base, { backchannel: false });
    alice = await createUser(t);
    passkey = await enrolPasskey(t, await logIn(t, alice), new SoftwareAuthenticator(base));
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await tool.stop();
    await t?.close();
  });

  /** A fresh browser profile; with the passkey in a CDP virtual authenticator unless JavaScript is off. */
  async function newContext(javaScriptEnabled = true) {
    const context = await browser.newContext({ javaScriptEnabled });
    const cspViolations: string[] = [];
    context.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    const page = await context.newPage();
    if (javaScriptEnabled) {
      const cdp = await context.newCDPSession(page);
      const authenticatorId = await addVirtualAuthenticator(cdp);
      const [credential] = passkey.authenticator.credentials;
      await cdp.send('WebAuthn.addCredential', {
        authenticatorId,
        credential: {
          credentialId: credential.id.toString('base64'),
          isResidentCredential: false,
          rpId: credential.rpId,
          privateKey: credential.privateKey
            .export({ format: 'der', type: 'pkcs8' })
            .toString('base64'),
          signCount: credential.signCount,
        },
      });
    }
    return { context, page, cspViolations };
  }

  async function passwordStep(page: Page): Promise<void> {
    await page.goto(`${tool.base}/login`);
    await page.waitForURL(/\/oidc\/interaction\//);
    await page.fill('#username', alice.username);
    await page.fill('#password', alice.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:text("Use your passkey")');
  }

  async function accessibilityViolations(page: Page): Promise<unknown[]> {
    await page.evaluate(AXE);
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } })
        .axe;
      return (await axe.run()).violations;
    });
  }

  const status = (page: Page) => page.textContent('#status');

  it('signs in at a tool with password and the passkey button, under the strict CSP', async () => {
    const { context, page, cspViolations } = await newContext();
    try {
      await passwordStep(page);
      await page.waitForSelector('#passkey-button', { state: 'visible' });
      expect(await page.isVisible('#passkey-unsupported')).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('passkey-button');
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'oidc-passkey-step.png'), fullPage: true });

      await page.click('#passkey-button');
      await page.waitForURL(`${tool.base}/`);
      expect(await status(page)).toBe(`Wiki: signed in as ${alice.user.id} (amr pwd hwk)`);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('still signs in without JavaScript: the page says the passkey needs it, a recovery code works', async () => {
    const { context, page } = await newContext(false);
    try {
      await passwordStep(page);
      expect(await page.isVisible('#passkey-button')).toBe(false);
      expect(await page.textContent('#passkey-unsupported')).toContain(
        'needs a browser with JavaScript',
      );
      await page.fill('#code', passkey.recoveryCodes[0]);
      await page.click('form:not(#passkey-form) button[type=submit]');
      await page.waitForURL(`${tool.base}/`);
      expect(await status(page)).toBe(`Wiki: signed in as ${alice.user.id} (amr pwd otp)`);
    } finally {
      await context.close();
    }
  });
});
