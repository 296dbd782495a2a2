/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { AuditAction } from '../../src/audit/audit-action';
import { createUser, type UserFixture } from '../factories/user.factory';
import { auditEvents } from '../support/audit';
import { createTestApp, type TestApp } from '../support/test-app';
import { totpCode } from '../support/totp';
import { addVirtualAuthenticator, launchChromium } from './browser';

const ARTIFACTS = join(__dirname, 'artifacts');

interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle: string;
  signCount: number;
}

/**
 * Second factors on the demo page in real Chromium, with a CDP virtual authenticator (CTAP2, internal transport,
 * resident keys, user verification): enrolling a passkey and an authenticator app, signing in with password +
 * passkey and without a password, and a cloned key (its counter rewound) refused. The page is reached at
 * localhost: an RP ID must be a domain, and http://localhost is a secure context.
 */
describe('passkeys and TOTP on the demo page in a real browser', () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let alice: UserFixture;

  beforeAll(async () => {
    t = await createTestApp({ env: { SERVE_DEMO: 'true' } });
    await t.app.listen(0, '127.0.0.1');
    url = `http://localhost:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  beforeEach(async () => {
    alice = await createUser(t);
    context = await browser.newContext();
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    authenticatorId = await addVirtualAuthenticator(cdp);
    await page.goto(`${url}/demo/`);
  });
  afterEach(() => context.close());

  const statusText = () => page.textContent('#status');
  const untilStatus = (prefix: string) =>
    page.waitForFunction(
      (expected) => document.getElementById('status')?.textContent?.startsWith(expected),
      prefix,
    );
  const untilOutput = (text: string) =>
    page.waitForFunction(
      (expected) => document.getElementById('output')?.textContent?.includes(expected),
      text,
    );

  async function passwordLogin(): Promise<void> {
    await page.fill('#login input[name=username]', alice.username);
    await page.fill('#login input[name=password]', alice.password);
    await page.click('#login button[type=submit]');
  }

  async function logOut(): Promise<void> {
    await page.click('#logout');
    await untilStatus('Signed out.');
  }

  async function amr(): Promise<string[]> {
    return page.evaluate(async () => {
      const response = await fetch('/auth/me', { credentials: 'include' });
      return ((await response.json()) as { amr: string[] }).amr;
    });
  }

  async function enrolPasskey(): Promise<void> {
    await passwordLogin();
    await untilStatus('Signed in as');
    await page.fill('#factor-label', 'Virtual key');
    await page.click('#enrol-passkey');
    await untilOutput('Passkey enrolled: Virtual key');
  }

  const credentials = async () =>
    (
      (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as {
        credentials: VirtualCredential[];
      }
    ).credentials;

  it('enrols a passkey on the demo page: a resident credential for this site, recovery codes shown once', async () => {
    await enrolPasskey();
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    await page.screenshot({ path: join(ARTIFACTS, 'passkey-enrolment.png'), fullPage: true });
    const [credential] = await credentials();
    expect(credential).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    expect(Buffer.from(credential.userHandle, 'base64').toString()).toBe(alice.user.id);
    await page.click('#list-factors');
    await page.waitForSelector('#factors li[data-kind=webauthn]');
    expect(
      await auditEvents(t, { action: AuditAction.MfaEnrolled, actorUserId: alice.user.id }),
    ).toHaveLength(1);
  });

  it('enrols an authenticator app: the QR code is shown, the first code confirms it', async () => {
    await passwordLogin();
    await untilStatus('Signed in as');
    await page.click('#enrol-totp');
    await page.waitForSelector('#totp-qr svg');
    const secret = (await page.textContent('#totp-secret'))!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.screenshot({ path: join(ARTIFACTS, 'totp-enrolment.png'), fullPage: true });
    await page.fill('#totp-confirm input[name=code]', totpCode(secret, t.clock));
    await page.click('#totp-confirm button[type=submit]');
    await untilOutput('Authenticator app enrolled.');
    expect(await page.locator('#recovery-codes li').count()).toBe(10);

    // Signing in again asks for the code; a wrong one may be corrected.
    t.clock.advance(30_000);
    await logOut();
    await passwordLogin();
    await page.waitForSelector('#second-factor:not([hidden])');
    await page.fill('#second-factor input[name=code]', '000000');
    await page.click('#second-factor button[type=submit]');
    await page.waitForFunction(() =>
      document.getElementById('mfa-error')?.textContent?.includes('MFA_CODE_INVALID'),
    );
    await page.fill('#second-factor input[name=code]', totpCode(secret, t.clock));
    await page.click('#second-factor button[type=submit]');
    await untilStatus('Signed in as');
    expect(await amr()).toEqual(['pwd', 'otp']);
  });

  it('signs in with password + passkey, then with the passkey alone', async () => {
    await enrolPasskey();
    await logOut();

    await passwordLogin();
    await page.waitForSelector('#second-factor:not([hidden])');
    expect(await page.textContent('#mfa-methods')).toBe('webauthn, recovery_code');
    await page.click('#mfa-passkey');
    await untilStatus('Signed in as');
    expect(await statusText()).toBe(`Signed in as ${alice.username}.`);
    expect(await amr()).toEqual(['pwd', 'hwk']);
    await logOut();

    await page.click('#passkey-login');
    await untilStatus('Signed in as');
    expect(await statusText()).toBe(`Signed in as ${alice.username} with a passkey.`);
    expect(await amr()).toEqual(['hwk', 'user']);
    expect(
      await auditEvents(t, { action: AuditAction.PasskeyLogin, actorUserId: alice.user.id }),
    ).toHaveLength(1);
  });

  it('refuses a credential whose signature counter was rewound (a cloned key), and audits it', async () => {
    await enrolPasskey();
    await logOut();
    await page.click('#passkey-login');
    await untilStatus('Signed in as');
    await logOut();
    await page.click('#passkey-login');
    await untilStatus('Signed in as');
    await logOut();

    const [credential] = await credentials();
    expect(credential.signCount).toBeGreaterThanOrEqual(2);
    // The same key with an older counter: what a copy made earlier would present.
    await cdp.send('WebAuthn.removeCredential', {
      authenticatorId,
      credentialId: credential.credentialId,
    });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: { ...credential, signCount: 0 },
    });
    await page.click('#passkey-login');
    await untilStatus('Passkey sign-in failed.');
    expect(await page.textContent('#output')).toBe('PASSKEY_COUNTER_REWOUND');
    expect(
      await auditEvents(t, { action: AuditAction.MfaFailed, actorUserId: alice.user.id }),
    ).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({ reason: 'counter_rewound', passwordless: true }),
      }),
    ]);
    expect(
      await auditEvents(t, { action: AuditAction.PasskeyLogin, actorUserId: alice.user.id }),
    ).toHaveLength(2);
  });
});
