import { ACR_MULTI_FACTOR } from '../src/oidc/acr';
import { enrolPasskey } from './factories/passkey.factory';
import { logIn } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { lockoutOf } from './support/security';
import {
  authorizationUrl,
  credentialsOf,
  exchange,
  listen,
  registerRp,
  type RegisteredRp,
} from './support/oidc';
import { TestBrowser, type Hop } from './support/oidc-browser';
import { createTestApp, type TestApp } from './support/test-app';
import { SoftwareAuthenticator, type RequestOptions } from './support/webauthn-authenticator';

/** Where the page's passkey button fetches its options. */
function optionsPathOf(page: Hop): string {
  const path = /data-options-path="([^"]*)"/.exec(page.body)?.[1];
  if (path === undefined) throw new Error(`No passkey button in:\n${page.body.slice(0, 500)}`);
  return path;
}

/**
 * The passkey button of the hosted sign-in's second step, driven without a browser as its script drives it:
 * the options of the login challenge from the page's options path, a software authenticator signing them for
 * this origin, and the answer posted as `passkey` (the JSON of startAuthentication()). The script itself runs
 * in the Chromium test.
 */
describe('OpenID Connect: a passkey as the second step of the hosted sign-in', () => {
  let t: TestApp;
  let base: string;
  let rp: RegisteredRp;

  beforeAll(async () => {
    t = await createTestApp();
    base = await listen(t);
    rp = await registerRp(t, base);
  });
  afterAll(() => t.close());

  /** A user with a passkey for this server's origin (the RP ID is its host). */
  async function withPasskey(): Promise<{ who: UserFixture; key: SoftwareAuthenticator }> {
    const who = await createUser(t);
    const key = new SoftwareAuthenticator(base);
    await enrolPasskey(t, await logIn(t, who), key);
    return { who, key };
  }

  async function passwordStep(who: UserFixture, browser = new TestBrowser()) {
    const started = await authorizationUrl(rp);
    const page = await browser.follow(started.url, base);
    const answer = await browser.submit(page, base, credentialsOf(who));
    return { started, browser, answer };
  }

  /** What the button's script does first: POST the page's options path with the browser's cookies. */
  async function fetchOptions(browser: TestBrowser, page: Hop, path = optionsPathOf(page)) {
    const hop = await browser.request(new URL(path, page.url), { method: 'POST' });
    return { status: hop.status, body: JSON.parse(hop.body) as RequestOptions & { code?: string } };
  }

  async function passkeyOptionsOf(browser: TestBrowser, page: Hop): Promise<RequestOptions> {
    const { status, body } = await fetchOptions(browser, page);
    if (status !== 200) throw new Error(`passkey options: ${status} ${JSON.stringify(body)}`);
    return body;
  }

  const submitPasskey = (browser: TestBrowser, page: Hop, response: unknown) =>
    browser.submit(page, base, {
      passkey: typeof response === 'string' ? response : JSON.stringify(response),
    });

  it('offers the passkey under a CSP that allows only its own scripts, then signs in with amr pwd+hwk', async () => {
    const { who, key } = await withPasskey();
    const { started, browser, answer } = await passwordStep(who);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<h1>Use your passkey</h1>');
    // The recovery codes of the enrolment remain as the no-script way on.
    expect(answer.body).toContain('<label for="code">Or enter a code</label>');
    const scripts = [...answer.body.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.map(([, attributes]) => attributes.trim())).toEqual([
      'src="/oidc/assets/simplewebauthn-browser.js"',
      'src="/oidc/assets/passkey-step.js"',
    ]);
    expect(scripts.every(([, , inline]) => inline === '')).toBe(true);
    expect(answer.body).not.toMatch(/\son[a-z]+=/i);

    const options = await passkeyOptionsOf(browser, answer);
    expect(options.allowCredentials?.map((credential) => credential.id)).toEqual([
      Buffer.from(key.credentials[0].id).toString('base64url'),
    ]);
    const callback = await submitPasskey(browser, answer, key.authenticate(options));
    const tokens = await exchange(rp, started, callback);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(who.user.id);
    expect(claims.amr).toEqual(['pwd', 'hwk']);
    expect(claims.acr).toBe(ACR_MULTI_FACTOR);
    const me = await browser.request(`${base}/auth/me`);
    expect(JSON.parse(me.body).amr).toEqual(['pwd', 'hwk']);
  });

  it('sends the second step with a script-src of its own origin and assets path, nothing inline', async () => {
    const { who } = await withPasskey();
    const browser = new TestBrowser();
    const started = await authorizationUrl(rp);
    const page = await browser.follow(started.url, base);
    const response = await fetch(new URL(/action="([^"]+)"/.exec(page.body)![1], page.url), {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: browser.jar.header(page.url),
      },
      body: new URLSearchParams(credentialsOf(who)).toString(),
    });
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain(`script-src ${base}/oidc/assets/`);
    expect(csp).toContain(`connect-src ${base}/oidc/interaction/`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|'self'/);

    const assets = await Promise.all(
      ['simplewebauthn-browser.js', 'passkey-step.js'].map((name) =>
        fetch(`${base}/oidc/assets/${name}`),
      ),
    );
    expect(assets.map((asset) => asset.status)).toEqual([200, 200]);
    expect(assets.map((asset) => asset.headers.get('content-type'))).toEqual([
      'text/javascript; charset=utf-8',
      'text/javascript; charset=utf-8',
    ]);
    const [library, button] = await Promise.all(assets.map((asset) => asset.text()));
    expect(library).toContain('SimpleWebAuthnBrowser');
    expect(button).toContain('startAuthentication');
  });

  it('refuses a replayed passkey answer, says so on the page, and counts it', async () => {
    const { who, key } = await withPasskey();
    const first = await passwordStep(who);
    const answer = key.authenticate(await passkeyOptionsOf(first.browser, first.answer));
    const callback = await submitPasskey(first.browser, first.answer, answer);
    await exchange(rp, first.started, callback);

    const second = await passwordStep(who);
    const before = (await lockoutOf(t, who.user.id))?.failures ?? 0;
    const refused = await submitPasskey(second.browser, second.answer, answer);
    expect(refused.status).toBe(401);
    expect(refused.location).toBeUndefined();
    expect(refused.body).toContain('Your passkey was not accepted');
    expect(refused.body).toContain('<h1>Use your passkey</h1>');
    expect((await lockoutOf(t, who.user.id))?.failures).toBe(before + 1);

    // The refused page offers the button again, and fresh options the key can answer.
    const retried = await submitPasskey(
      second.browser,
      refused,
      key.authenticate(await passkeyOptionsOf(second.browser, refused)),
    );
    expect((await exchange(rp, second.started, retried)).claims()!.amr).toEqual(['pwd', 'hwk']);
  });

  it("does not take another user's passkey, nor an answer for another sign-in's options", async () => {
    const { who } = await withPasskey();
    const other = await withPasskey();
    const mine = await passwordStep(who);
    const theirs = await passwordStep(other.who);

    const foreignKey = other.key.authenticate(await passkeyOptionsOf(mine.browser, mine.answer), {
      credential: other.key.credentials[0],
    });
    const refused = await submitPasskey(mine.browser, mine.answer, foreignKey);
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('Your passkey was not accepted');

    // Their own key, signing the options of their own sign-in, posted into mine: my challenge never issued it.
    const crossed = other.key.authenticate(await passkeyOptionsOf(theirs.browser, theirs.answer));
    const again = await submitPasskey(mine.browser, refused, crossed);
    expect(again.status).toBe(401);
    expect(again.location).toBeUndefined();
  });

  it("gives the button's options only to the browser holding this sign-in's challenge", async () => {
    const { who } = await withPasskey();
    const mine = await passwordStep(who);
    const theirs = await passwordStep(who);
    // Another browser (no challenge cookie, no interaction cookie) and another sign-in's address.
    expect((await fetchOptions(new TestBrowser(), mine.answer)).body.code).toBe(
      'MFA_CHALLENGE_EXPIRED',
    );
    const otherPath = optionsPathOf(theirs.answer);
    const crossed = await fetchOptions(mine.browser, mine.answer, otherPath);
    expect(crossed.status).toBe(401);
    expect(crossed.body.code).toBe('MFA_CHALLENGE_EXPIRED');
    // The owner gets options that name only this user's passkey, for this origin's host.
    const own = await passkeyOptionsOf(mine.browser, mine.answer);
    expect(own.rpId).toBe('127.0.0.1');
    expect(own.allowCredentials).toHaveLength(1);
  });

  it('answers a passkey field that is not an answer with the page again, 400, nothing counted', async () => {
    const { who } = await withPasskey();
    const { browser, answer } = await passwordStep(who);
    const before = (await lockoutOf(t, who.user.id))?.failures ?? 0;
    for (const garbage of ['', 'not json', '[1,2]', '{"id":"x"}', 'x'.repeat(20_000)]) {
      const refused = await submitPasskey(browser, answer, garbage);
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('Your browser sent no usable passkey answer');
    }
    expect((await lockoutOf(t, who.user.id))?.failures ?? 0).toBe(before);
  });
});
