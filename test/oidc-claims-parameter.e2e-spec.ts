import { ACR_MULTI_FACTOR, ACR_PASSWORD } from '../src/oidc/acr';
import { withTotp } from './factories/mfa.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import {
  authorizationUrl,
  client,
  credentialsOf,
  exchange,
  listen,
  passwordStepOf,
  REDIRECT_URI,
  registerRp,
  type RegisteredRp,
} from './support/oidc';
import { TestBrowser } from './support/oidc-browser';
import { createTestApp, type TestApp } from './support/test-app';
import { totpCode } from './support/totp';

/** The `claims` parameter of a relying party that needs a second factor (OpenID Connect Core 5.5.1.1). */
const ESSENTIAL_MULTI_FACTOR = {
  claims: JSON.stringify({ id_token: { acr: { essential: true, value: ACR_MULTI_FACTOR } } }),
};

describe('OpenID Connect: the claims parameter', () => {
  let t: TestApp;
  let base: string;
  let rp: RegisteredRp;

  beforeAll(async () => {
    t = await createTestApp();
    base = await listen(t);
    rp = await registerRp(t, base);
  });
  afterAll(() => t.close());

  /** The password step of a sign-in: the page the hosted form answers with. */
  const passwordStep = (who: UserFixture, browser: TestBrowser, params?: Record<string, string>) =>
    passwordStepOf(rp, base, who, browser, params);

  it('is advertised in discovery', () => {
    expect(rp.config.serverMetadata().claims_parameter_supported).toBe(true);
  });

  it('asks a fresh sign-in for the second factor when acr is essential and multi-factor, and the ID token says so', async () => {
    const alice = await createUser(t);
    const totp = await withTotp(t, alice);
    const browser = new TestBrowser();
    const { started, answer } = await passwordStep(alice, browser, ESSENTIAL_MULTI_FACTOR);
    expect(answer.body).toContain('<label for="code">');
    const callback = await browser.submit(answer, base, { code: totpCode(totp.secret, t.clock) });
    const tokens = await exchange(rp, started, callback);
    expect(tokens.claims()).toMatchObject({ acr: ACR_MULTI_FACTOR, amr: ['pwd', 'otp'] });
  });

  it('refuses a password-only sign-in to a user without a factor when acr is essential and multi-factor', async () => {
    const bob = await createUser(t);
    const { answer } = await passwordStep(bob, new TestBrowser(), ESSENTIAL_MULTI_FACTOR);
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('Set up a second factor first');
    expect(answer.location).toBeUndefined();
  });

  it('steps a password-only provider session up to the second factor, then serves the next request without a prompt', async () => {
    const carol = await createUser(t);
    const browser = new TestBrowser();
    // A password-only sign-in (no factor yet): the provider session's acr is the password one.
    const plain = await passwordStep(carol, browser);
    expect((await exchange(rp, plain.started, plain.answer)).claims()?.acr).toBe(ACR_PASSWORD);
    const totp = await withTotp(t, carol);

    const stepped = await authorizationUrl(rp, ESSENTIAL_MULTI_FACTOR);
    const page = await browser.follow(stepped.url, base);
    expect(page.location).toBeUndefined();
    expect(page.body).toContain('needs your second factor');
    const codePage = await browser.submit(page, base, credentialsOf(carol));
    expect(codePage.body).toContain('<label for="code">');
    const callback = await browser.submit(codePage, base, {
      code: totpCode(totp.secret, t.clock),
    });
    expect((await exchange(rp, stepped, callback)).claims()).toMatchObject({
      acr: ACR_MULTI_FACTOR,
      amr: ['pwd', 'otp'],
    });

    const next = await authorizationUrl(rp, ESSENTIAL_MULTI_FACTOR);
    const silent = await browser.follow(next.url, base);
    expect((await exchange(rp, next, silent)).claims()?.acr).toBe(ACR_MULTI_FACTOR);
  });

  it('serves other requested claims without a prompt of its own, in the ID token and from userinfo', async () => {
    const dave = await createUser(t);
    const browser = new TestBrowser();
    const { started, answer } = await passwordStep(dave, browser, {
      scope: 'openid',
      claims: JSON.stringify({
        id_token: { preferred_username: null, acr: null },
        userinfo: { roles: { essential: true } },
      }),
    });
    const tokens = await exchange(rp, started, answer);
    expect(tokens.claims()).toMatchObject({
      sub: dave.user.id,
      preferred_username: dave.username,
      acr: ACR_PASSWORD,
    });
    const userinfo = await client.fetchUserInfo(rp.config, tokens.access_token, dave.user.id);
    expect(userinfo).toMatchObject({ sub: dave.user.id, roles: ['user'] });
  });

  it('answers a malformed claims parameter with invalid_request at the redirect URI', async () => {
    for (const claims of ['{not json', '[]', '{"other":{}}']) {
      const started = await authorizationUrl(rp, { claims });
      const hop = await new TestBrowser().follow(started.url, base);
      expect(hop.location?.href.startsWith(REDIRECT_URI)).toBe(true);
      expect(hop.location?.searchParams.get('error')).toBe('invalid_request');
      expect(hop.location?.searchParams.get('error_description')).toMatch(/claims/);
    }
  });
});
