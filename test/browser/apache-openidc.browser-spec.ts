/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { OidcClientsService } from '../../src/oidc/oidc-clients.service';
import { cookieNamesOf } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { ApacheOpenIdc } from '../support/apache-openidc';
import { freePort } from '../support/free-port';
import { HostProxy } from '../support/host-proxy';
import { hostResolverRules, IDP_HOST, RP_HOST } from '../support/loopback-hosts';
import { createTestApp, type TestApp } from '../support/test-app';
import { launchChromium } from './browser';

/**
 * A tool nobody here wrote: Apache httpd with Debian's mod_auth_openidc protecting a page, configured from
 * Aegis's discovery document alone, on plain HTTP under host names of their own (Aegis at http://idp.test:PORT,
 * Apache at http://rp.test:PORT). Sign in through the hosted page in Chromium, the claims reach the page, and
 * ending the Aegis session ends Apache's through back-channel logout.
 */
describe('Apache httpd + mod_auth_openidc as a relying party', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let alice: UserFixture;
  let apache: ApacheOpenIdc;
  const proxy = new HostProxy();

  beforeAll(async () => {
    const port = await freePort();
    base = `http://${IDP_HOST}:${port}`;
    t = await createTestApp({ env: { PUBLIC_URL: base } });
    await t.app.listen(port, '127.0.0.1');
    apache = new ApacheOpenIdc(RP_HOST, await freePort());
    const { client, secret } = await t.app.get(UnitOfWork).run(() =>
      t.app.get(OidcClientsService).create(
        { userId: null },
        {
          name: 'Apache',
          redirectUris: [apache.redirectUri],
          postLogoutRedirectUris: [`${apache.base}/`],
          backchannelLogoutUri: apache.backchannelLogoutUri,
          isPublic: false,
          grantTypes: ['authorization_code'],
          idTokenSigningAlg: 'ES256',
        },
      ),
    );
    await apache.start({
      metadataUrl: `${base}/oidc/.well-known/openid-configuration`,
      clientId: client.id,
      clientSecret: secret!,
      outgoingProxy: await proxy.start(),
    });
    alice = await createUser(t);
    browser = await launchChromium([hostResolverRules()]);
    context = await browser.newContext();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await apache?.stop();
    await proxy.stop();
    await t?.close();
  });

  /** The claims page as `NAME=value` pairs. */
  async function claims(page: Page): Promise<Record<string, string>> {
    const text = (await page.textContent('body')) ?? '';
    return Object.fromEntries(
      text
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  }

  it('signs in through the hosted page and shows the claims on the protected page', async () => {
    const page = await context.newPage();
    await page.goto(`${apache.base}/protected/claims`);
    await page.waitForURL(new RegExp(`^${base}/oidc/interaction/`));
    await page.fill('#username', alice.username);
    await page.fill('#password', alice.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${apache.base}/protected/claims`, { timeout: 10_000 });
    expect(await claims(page)).toMatchObject({
      OIDC_CLAIM_sub: alice.user.id,
      OIDC_CLAIM_preferred_username: alice.username,
      OIDC_CLAIM_roles: 'user',
      OIDC_CLAIM_amr: 'pwd',
      REMOTE_USER: `${alice.user.id}@${base}/oidc`,
    });
    await page.close();
  });

  it('ends the Apache session through back-channel logout when the Aegis session ends', async () => {
    const page = await context.newPage();
    await page.goto(`${apache.base}/protected/claims`);
    expect((await claims(page)).OIDC_CLAIM_sub).toBe(alice.user.id);

    // The user signs out of Aegis everywhere (the SPA's "log out of all devices").
    const { access: cookieName } = cookieNamesOf(t);
    const access = (await context.cookies(base)).find(
      (cookie) => cookie.name === cookieName,
    )!.value;
    const logout = await t.http().post('/auth/logout-all').set('authorization', `Bearer ${access}`);
    expect(logout.status).toBe(200);

    // Apache heard it: the protected page sends the browser to the sign-in again.
    const until = Date.now() + 5_000;
    let signedOut = false;
    while (!signedOut && Date.now() < until) {
      await page.goto(`${apache.base}/protected/claims`);
      signedOut = page.url().startsWith(`${base}/oidc/interaction/`);
      if (!signedOut) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect({ signedOut, log: signedOut ? '' : apache.errorLog() }).toEqual({
      signedOut: true,
      log: '',
    });
    expect(await page.textContent('h1')).toBe('Sign in');
    await page.close();
  });
});
