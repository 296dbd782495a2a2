import { ACR_MULTI_FACTOR, ACR_PASSWORD } from '../src/oidc/acr';
import { SessionsService } from '../src/sessions/sessions.service';
import { withTotp } from './factories/mfa.factory';
import { cookieNamesOf } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { lockoutOf } from './support/security';
import {
  authorizationUrl,
  client,
  credentialsOf,
  exchange,
  listen,
  passwordStepOf,
  registerRp,
  type RegisteredRp,
} from './support/oidc';
import { TestBrowser, type Hop } from './support/oidc-browser';
import { createTestApp, type TestApp } from './support/test-app';
import { nextStep, totpCode, wrongCode } from './support/totp';

const MULTI_FACTOR = { acr_values: ACR_MULTI_FACTOR };

describe('OpenID Connect: the second factor on the hosted sign-in page', () => {
  let t: TestApp;
  let base: string;
  let rp: RegisteredRp;

  beforeAll(async () => {
    t = await createTestApp();
    base = await listen(t);
    rp = await registerRp(t, base);
  });
  afterAll(() => t.close());

  /** The password step through the hosted form: the page it answers with (the code form, for a factor). */
  const passwordStep = (who: UserFixture, browser?: TestBrowser, params?: Record<string, string>) =>
    passwordStepOf(rp, base, who, browser, params);

  const submitCode = (browser: TestBrowser, page: Hop, code: string) =>
    browser.submit(page, base, { code });

  it('asks for the code after the password, then issues tokens with amr pwd+otp and the multi-factor acr', async () => {
    const alice = await createUser(t);
    const totp = await withTotp(t, alice);
    const { started, browser, answer } = await passwordStep(alice);
    expect(answer.status).toBe(200);
    expect(answer.location).toBeUndefined();
    expect(answer.body).toContain('<label for="code">');
    expect(answer.body).toContain('autocomplete="one-time-code"');
    expect(answer.body).not.toMatch(/<script|\son[a-z]+=/i);
    // No Aegis session before the code: no SPA cookies yet.
    expect(browser.jar.value('aegis_token')).toBeUndefined();
    const callback = await submitCode(browser, answer, totpCode(totp.secret, t.clock));
    const tokens = await exchange(rp, started, callback);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(alice.user.id);
    expect(claims.amr).toEqual(['pwd', 'otp']);
    expect(claims.acr).toBe(ACR_MULTI_FACTOR);
    expect(typeof claims.auth_time).toBe('number');
    const userinfo = await client.fetchUserInfo(rp.config, tokens.access_token, alice.user.id);
    expect(userinfo).toMatchObject({ amr: ['pwd', 'otp'], acr: ACR_MULTI_FACTOR });
    expect(userinfo.auth_time).toBe(claims.auth_time);
    // The Aegis session the page opened (the SPA's cookies) carries both factors too.
    const me = await browser.request(`${base}/auth/me`);
    expect(JSON.parse(me.body).amr).toEqual(['pwd', 'otp']);
    expect(browser.jar.value('aegis_oidc_mfa')).toBeUndefined();
  });

  it('advertises both acr values in discovery', () => {
    expect(rp.config.serverMetadata().acr_values_supported).toEqual([
      ACR_PASSWORD,
      ACR_MULTI_FACTOR,
    ]);
  });

  it('kills the challenge after 5 wrong codes: the right code is refused and a new password step is needed', async () => {
    const erin = await createUser(t);
    const totp = await withTotp(t, erin);
    const { started, browser, answer } = await passwordStep(erin);
    let page = answer;
    for (let attempt = 1; attempt <= 4; attempt++) {
      page = await submitCode(browser, page, wrongCode(totp.secret, t.clock));
      expect(page.status).toBe(401);
      expect(page.body).toContain('That code is not right');
    }
    const fifth = await submitCode(browser, page, wrongCode(totp.secret, t.clock));
    expect(fifth.status).toBe(401);
    expect(fifth.body).toContain('Sign in again with your password');
    expect(fifth.body).toContain('<label for="password">');
    // The challenge is dead: even the right code, posted anyway, signs nobody in.
    const sixth = await submitCode(browser, fifth, totpCode(totp.secret, t.clock));
    expect(sixth.status).toBe(401);
    expect(sixth.location).toBeUndefined();
    expect(sixth.body).toContain('Sign in again with your password');
    // The wrong codes counted in the account lockout as well.
    expect((await lockoutOf(t, erin.user.id))?.failures).toBe(5);
    t.clock.advance(31_000);
    nextStep(t.clock);
    const again = await browser.submit(sixth, base, credentialsOf(erin));
    expect(again.body).toContain('<label for="code">');
    const callback = await submitCode(browser, again, totpCode(totp.secret, t.clock));
    expect((await exchange(rp, started, callback)).claims()?.amr).toEqual(['pwd', 'otp']);
  });

  it('refuses a code that was already accepted (a replay), then takes the next one', async () => {
    const dave = await createUser(t);
    const totp = await withTotp(t, dave);
    const code = totpCode(totp.secret, t.clock);
    const first = await passwordStep(dave);
    await exchange(rp, first.started, await submitCode(first.browser, first.answer, code));
    const second = await passwordStep(dave);
    const replayed = await submitCode(second.browser, second.answer, code);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toContain('That code was already used');
    nextStep(t.clock);
    const callback = await submitCode(second.browser, replayed, totpCode(totp.secret, t.clock));
    expect((await exchange(rp, second.started, callback)).claims()?.sub).toBe(dave.user.id);
  });

  it('accepts a recovery code once', async () => {
    const rose = await createUser(t);
    const totp = await withTotp(t, rose);
    const [recovery] = totp.recoveryCodes;
    const first = await passwordStep(rose);
    const callback = await submitCode(first.browser, first.answer, recovery);
    const tokens = await exchange(rp, first.started, callback);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp'], acr: ACR_MULTI_FACTOR });
    const second = await passwordStep(rose);
    const again = await submitCode(second.browser, second.answer, recovery);
    expect(again.status).toBe(401);
    expect(again.body).toContain('That code is not right');
  });

  it('forces the code step for acr_values multi-factor over a password-only session, and signs in a multi-factor session without a prompt', async () => {
    const bob = await createUser(t);
    const browser = new TestBrowser();
    // A password-only sign-in: a provider session and SPA cookies with amr [pwd].
    const plain = await passwordStep(bob, browser);
    expect((await exchange(rp, plain.started, plain.answer)).claims()?.acr).toBe(ACR_PASSWORD);
    // Without acr_values, the next sign-in needs no prompt.
    const silent = await authorizationUrl(rp);
    await exchange(rp, silent, await browser.follow(silent.url, base));
    // Asking for multi-factor: the form again, with a notice; bob has no factor, so the page says to set one up.
    const forced = await authorizationUrl(rp, MULTI_FACTOR);
    const page = await browser.follow(forced.url, base);
    expect(page.status).toBe(200);
    expect(page.body).toContain('needs your second factor');
    const refused = await browser.submit(page, base, credentialsOf(bob));
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('Set up a second factor first');

    // With a factor: the code step, then a later multi-factor request is served without any prompt.
    const totp = await withTotp(t, bob);
    const stepped = await authorizationUrl(rp, MULTI_FACTOR);
    const again = await browser.follow(stepped.url, base);
    const codePage = await browser.submit(again, base, credentialsOf(bob));
    expect(codePage.body).toContain('<label for="code">');
    const callback = await submitCode(browser, codePage, totpCode(totp.secret, t.clock));
    expect((await exchange(rp, stepped, callback)).claims()?.acr).toBe(ACR_MULTI_FACTOR);
    const next = await authorizationUrl(rp, MULTI_FACTOR);
    const hop = await browser.follow(next.url, base);
    expect((await exchange(rp, next, hop)).claims()).toMatchObject({
      acr: ACR_MULTI_FACTOR,
      amr: ['pwd', 'otp'],
    });
  });

  it('hands the tools of a password-only session over to the step-up session, so one logout ends them all', async () => {
    const dora = await createUser(t);
    const browser = new TestBrowser();
    const plain = await passwordStep(dora, browser, { prompt: 'consent' });
    const first = await exchange(rp, plain.started, plain.answer);
    const refreshCookie = cookieNamesOf(t).refresh;
    const passwordOnly = browser.jar.value(refreshCookie)!.split('.')[0];

    const totp = await withTotp(t, dora);
    const stepped = await authorizationUrl(rp, { ...MULTI_FACTOR, prompt: 'consent' });
    const page = await browser.follow(stepped.url, base);
    const codePage = await browser.submit(page, base, credentialsOf(dora));
    const callback = await submitCode(browser, codePage, totpCode(totp.secret, t.clock));
    const second = await exchange(rp, stepped, callback);
    const stepUp = browser.jar.value(refreshCookie)!.split('.')[0];
    expect(stepUp).not.toBe(passwordOnly);

    // The browser holds the step-up session alone; the older one ended, and its tool carries on with the newer.
    expect(await t.app.get(SessionsService).findLive(passwordOnly)).toBeNull();
    const carried = await client.refreshTokenGrant(rp.config, first.refresh_token!);
    // One logout (the SPA's, with the browser's cookies) ends both tools' grants.
    const logout = await browser.request(`${base}/auth/logout`, { method: 'POST' });
    expect(logout.status).toBe(200);
    for (const refreshToken of [carried.refresh_token!, second.refresh_token!])
      await expect(client.refreshTokenGrant(rp.config, refreshToken)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
  });

  it('settles the lockout attempt of a right password it refuses (an account that must change its password)', async () => {
    const newcomer = await createUser(t, { mustChangePassword: true });
    for (let attempt = 0; attempt < 6; attempt++) {
      const { answer } = await passwordStep(newcomer);
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('Change your password first');
    }
    expect(await lockoutOf(t, newcomer.user.id)).toBeNull();
  });

  it('does not take the challenge of one sign-in for another sign-in', async () => {
    const hugo = await createUser(t);
    const totp = await withTotp(t, hugo);
    const { browser, answer } = await passwordStep(hugo);
    // Another sign-in in the same browser, straight to the code form of the first (no password step).
    const other = await authorizationUrl(rp);
    const otherPage = await browser.follow(other.url, base);
    const refused = await browser.submit(otherPage, base, {
      code: totpCode(totp.secret, t.clock),
    });
    expect(refused.location).toBeUndefined();
    expect(refused.body).toContain('Sign in again with your password');
    expect(answer.status).toBe(200);
  });
});

describe('OpenID Connect: the hosted sign-in under the per-IP limit and the role policy', () => {
  let t: TestApp;
  let base: string;
  let rp: RegisteredRp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3', MFA_REQUIRED_ROLES: 'user' },
    });
    base = await listen(t);
    rp = await registerRp(t, base);
  });
  afterAll(() => t.close());

  it('asks a user whose role needs a second factor to set one up, and refuses the fourth POST in a minute with a 429 page', async () => {
    const carol = await createUser(t);
    const browser = new TestBrowser();
    const started = await authorizationUrl(rp);
    const page = await browser.follow(started.url, base);
    const refused = await browser.submit(page, base, credentialsOf(carol));
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('Set up a second factor first');
    for (let attempt = 0; attempt < 2; attempt++) {
      const wrong = await browser.submit(page, base, { username: carol.username, password: 'x' });
      expect(wrong.status).toBe(401);
    }
    const limited = await browser.request(new URL(`/oidc/interaction/x`, base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(credentialsOf(carol)).toString(),
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toContain('Too many sign-in attempts from your network');
    const again = await fetch(new URL(`/oidc/interaction/x`, base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(credentialsOf(carol)).toString(),
    });
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(again.headers.get('content-type')).toContain('text/html');
  });
});
