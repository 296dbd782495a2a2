/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { OidcClientsService } from '../../src/oidc/oidc-clients.service';
import { createUser, type UserFixture } from '../factories/user.factory';
import { freePort } from '../support/free-port';
import { hostResolverRules, IDP_HOST } from '../support/loopback-hosts';
import { OidcClientSpa } from '../support/oidc-client-spa';
import { createTestApp, type TestApp } from '../support/test-app';
import { launchChromium } from './browser';

interface SpaUser {
  sub: string;
  username: string;
  scope: string;
  accessToken: string;
  refreshToken?: string;
  idToken: string;
}

interface SpaWindow {
  spa: {
    user(): Promise<SpaUser | null>;
    refresh(): Promise<SpaUser | null>;
  };
}

/**
 * A browser SPA nobody here wrote the OIDC side of: oidc-client-ts 3 in a static page at http://localhost:PORT
 * (a public client: code flow with PKCE), Aegis at http://idp.test:PORT. Sign in through the hosted page,
 * userinfo, a refresh with the refresh token (offline_access asked with prompt=consent), and RP-initiated
 * logout through Aegis's confirmation page, after which the refresh token is dead.
 */
describe('oidc-client-ts in a single-page app as a relying party', () => {
  let t: TestApp;
  let port: number;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let alice: UserFixture;
  let clientId: string;
  const spa = new OidcClientSpa();
  const calls: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    base = `http://${IDP_HOST}:${port}`;
    t = await createTestApp({ env: { PUBLIC_URL: base } });
    await t.app.listen(port, '127.0.0.1');
    const spaBase = await spa.start();
    const { client } = await t.app.get(UnitOfWork).run(() =>
      t.app.get(OidcClientsService).create(
        { userId: null },
        {
          name: 'Dashboard',
          redirectUris: [`${spaBase}/callback.html`],
          postLogoutRedirectUris: [`${spaBase}/`],
          backchannelLogoutUri: null,
          isPublic: true,
          grantTypes: ['authorization_code'],
          idTokenSigningAlg: 'ES256',
        },
      ),
    );
    clientId = client.id;
    spa.use(`${base}/oidc`, clientId);
    alice = await createUser(t);
    browser = await launchChromium([hostResolverRules()]);
    context = await browser.newContext();
    page = await context.newPage();
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (
        url.origin === base &&
        url.pathname.startsWith('/oidc/') &&
        !url.pathname.includes('/interaction/')
      )
        calls.push(`${response.request().method()} ${url.pathname} ${response.status()}`);
    });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await spa.stop();
    await t?.close();
  });

  /** Calls the app's oidc-client-ts wrapper in the page. */
  const spaCall = (name: 'user' | 'refresh') =>
    page.evaluate((call) => (window as unknown as SpaWindow).spa[call](), name);
  const user = () => spaCall('user');
  /** Starts a call that navigates away (the page's context ends with it, so nothing is awaited). */
  const spaNavigate = (name: 'signIn' | 'signOut') => page.evaluate(`void window.spa.${name}()`);

  /** The token endpoint as any other client would call it (no browser): is this refresh token still good? */
  async function refreshWorks(refreshToken: string): Promise<boolean> {
    const response = await fetch(`http://127.0.0.1:${port}/oidc/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
      }),
    });
    return response.ok;
  }

  it('signs in with the code flow and PKCE through the hosted page, and reads userinfo', async () => {
    await page.goto(`${spa.base}/`);
    await page.waitForSelector('text=Signed out');
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await spaNavigate('signIn');
    await page.waitForURL(new RegExp(`^${base}/oidc/interaction/`));
    await page.fill('#username', alice.username);
    await page.fill('#password', alice.password);
    await page.click('button[type=submit]');
    await page.waitForSelector(`text=Signed in as ${alice.user.id}`, { timeout: 10_000 });

    const signedIn = (await user())!;
    expect(signedIn).toMatchObject({ sub: alice.user.id, username: alice.username });
    expect(signedIn.scope.split(' ').sort()).toEqual(['offline_access', 'openid', 'profile']);
    expect(signedIn.refreshToken).toEqual(expect.any(String));
    expect(calls).toEqual(
      expect.arrayContaining([
        'GET /oidc/.well-known/openid-configuration 200',
        'POST /oidc/token 200',
        'GET /oidc/me 200',
      ]),
    );
  });

  it('refreshes with the refresh token (rotated: the old one is spent)', async () => {
    const before = (await user())!;
    const after = (await spaCall('refresh'))!;
    expect(after.sub).toBe(alice.user.id);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toEqual(expect.any(String));
    expect(after.refreshToken).not.toBe(before.refreshToken);
  });

  it('signs out through Aegis confirmation page; the refresh token stops working', async () => {
    const { refreshToken } = (await user())!;
    await spaNavigate('signOut');
    await page.waitForSelector('text=Sign out of Aegis?');
    await page.click('button[name=logout]');
    await page.waitForURL(new RegExp(`^${spa.base}/`));
    expect(await refreshWorks(refreshToken!)).toBe(false);
    // Aegis's own session ended too: signing in again asks for the password.
    await spaNavigate('signIn');
    await page.waitForURL(new RegExp(`^${base}/oidc/interaction/`));
    expect(await page.textContent('h1')).toBe('Sign in');
  });
});
