import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { UnitOfWork } from '../src/database/unit-of-work';
import { OidcMaintenanceService } from '../src/oidc/oidc-maintenance.service';
import { SigningKeyStore } from '../src/signing-keys/signing-key-store.service';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { BackchannelReceiver } from './support/backchannel-receiver';
import { TestBrowser, type Hop } from './support/oidc-browser';
import {
  authorizationUrl,
  client,
  exchange,
  listen,
  POST_LOGOUT_URI,
  registerRp,
  signInWithPassword,
  type RegisteredRp,
} from './support/oidc';
import { createTestApp, type TestApp } from './support/test-app';

const OFFLINE = { prompt: 'consent' };

describe('OpenID Connect: one Aegis session for every tool', () => {
  let t: TestApp;
  let base: string;
  let rp: RegisteredRp;
  let admin: AdminFixture;
  const receiver = new BackchannelReceiver();
  let withBackchannel: RegisteredRp;

  beforeAll(async () => {
    t = await createTestApp();
    base = await listen(t);
    rp = await registerRp(t, base, { name: 'Wiki' });
    withBackchannel = await registerRp(t, base, {
      name: 'Tracker',
      backchannelLogoutUri: await receiver.start(),
    });
    admin = await createAdmin(t);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });
  beforeEach(() => receiver.tokens.splice(0));

  const signIn = (who: UserFixture, on = rp, browser = new TestBrowser()) =>
    signInWithPassword(on, base, who, browser, OFFLINE);

  /** The SPA's access cookie the hosted sign-in set in this browser. */
  const aegisBearer = (browser: TestBrowser) => `Bearer ${browser.jar.value('aegis_token')}`;

  async function silentSignIn(on: RegisteredRp, browser: TestBrowser): Promise<Hop> {
    const started = await authorizationUrl(on);
    const hop = await browser.follow(started.url, base);
    if (hop.location) await exchange(on, started, hop);
    return hop;
  }

  it('signs a browser that has an Aegis session (the SPA cookies) in without a prompt', async () => {
    const alice = await createUser(t);
    const browser = new TestBrowser();
    const login = await browser.request(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: alice.username, password: alice.password }),
    });
    expect(login.status).toBe(200);
    const hop = await silentSignIn(rp, browser);
    expect(hop.location?.searchParams.get('code')).toBeTruthy();
  });

  it('signs in at a second tool with no prompt, and the hosted sign-in opened a real Aegis session', async () => {
    const alice = await createUser(t);
    const { browser } = await signIn(alice);
    const me = await t.http().get('/auth/me').set('authorization', aegisBearer(browser));
    expect(me.status).toBe(200);
    const second = await silentSignIn(withBackchannel, browser);
    expect(second.location?.searchParams.get('code')).toBeTruthy();
  });

  it('prompt=login and max_age=0 ask for the password even with a live session', async () => {
    const alice = await createUser(t);
    const { browser } = await signIn(alice);
    for (const params of [{ prompt: 'login' }, { max_age: '0' }] as Array<Record<string, string>>) {
      const started = await authorizationUrl(rp, params);
      const page = await browser.follow(started.url, base);
      expect(page.location).toBeUndefined();
      expect(page.body).toContain('name="password"');
    }
  });

  it('logout-all ends the provider session: back-channel logout token, refresh and introspection fail', async () => {
    const alice = await createUser(t);
    const browser = new TestBrowser();
    const { tokens } = await signIn(alice, withBackchannel, browser);
    const logout = await t
      .http()
      .post('/auth/logout-all')
      .set('authorization', aegisBearer(browser));
    expect(logout.status).toBe(200);
    expect(await client.tokenIntrospection(withBackchannel.config, tokens.access_token)).toEqual({
      active: false,
    });
    await expect(
      client.refreshTokenGrant(withBackchannel.config, tokens.refresh_token!),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const [logoutToken] = await receiver.received(1);
    expect(logoutToken).toBeDefined();
    const { payload } = await jwtVerify(
      logoutToken,
      createRemoteJWKSet(new URL(`${base}/oidc/jwks`)),
      { issuer: `${base}/oidc`, audience: withBackchannel.clientId },
    );
    expect(payload.sub).toBe(alice.user.id);
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    // The next visit asks for the password again.
    const started = await authorizationUrl(rp);
    expect((await browser.follow(started.url, base)).body).toContain('name="password"');
  });

  it('an administrator disabling the user ends every tool session at once', async () => {
    const bob = await createUser(t);
    const { tokens } = await signIn(bob);
    const disabled = await t
      .http()
      .post(`/users/${bob.user.id}/disable`)
      .set('authorization', admin.bearer);
    expect(disabled.status).toBe(200);
    expect(await client.tokenIntrospection(rp.config, tokens.access_token)).toEqual({
      active: false,
    });
    await expect(client.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('an expired Aegis session ends the tools too, and the sweep sends back-channel logout', async () => {
    const carol = await createUser(t);
    const { tokens } = await signIn(carol, withBackchannel);
    t.clock.advance(31 * 60_000);
    try {
      expect(await client.tokenIntrospection(withBackchannel.config, tokens.access_token)).toEqual({
        active: false,
      });
      const { ended } = await t.app.get(OidcMaintenanceService).runOnce();
      expect(ended).toBeGreaterThanOrEqual(1);
      const subjects = (await receiver.received(1)).map(
        (token) =>
          (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string })
            .sub,
      );
      expect(subjects).toContain(carol.user.id);
    } finally {
      t.clock.advance(-31 * 60_000);
    }
  });

  it('RP-initiated logout signs the user out of Aegis as well', async () => {
    const dave = await createUser(t);
    const browser = new TestBrowser();
    const { tokens } = await signIn(dave, rp, browser);
    const bearer = aegisBearer(browser);
    const endSession = client.buildEndSessionUrl(rp.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: POST_LOGOUT_URI,
    });
    const confirm = await browser.follow(endSession, base);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Sign out everywhere');
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)">/.exec(
      confirm.body,
    )?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1];
    const done = await browser.follow(new URL(action!, base), base, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }).toString(),
    });
    expect(done.location?.href).toBe(POST_LOGOUT_URI);
    expect((await t.http().get('/auth/me').set('authorization', bearer)).status).toBe(401);
    await expect(client.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('a disabled client gets no new tokens and its refresh tokens stop working', async () => {
    const erin = await createUser(t);
    const tool = await registerRp(t, base, { name: 'Soon disabled' });
    const { tokens } = await signIn(erin, tool);
    const patched = await t
      .http()
      .patch(`/oidc-clients/${tool.clientId}`)
      .set('authorization', admin.bearer)
      .send({ enabled: false });
    expect(patched.status).toBe(200);
    await expect(
      client.refreshTokenGrant(tool.config, tokens.refresh_token!),
    ).rejects.toMatchObject({
      cause: [
        expect.objectContaining({
          parameters: expect.objectContaining({ error: 'invalid_client' }),
        }),
      ],
    });
  });

  it('publishes a rotated key at once, signs with it only after the activation delay, and keeps verifying the old one', async () => {
    const frank = await createUser(t);
    const before = (await signIn(frank)).tokens.id_token!;
    const added = await t.app
      .get(UnitOfWork)
      .run(() => t.app.get(SigningKeyStore).rotate({ userId: null }));
    await t.app.get(OidcMaintenanceService).runOnce();
    const published = (await (await fetch(`${base}/oidc/jwks`)).json()) as {
      keys: { kid: string }[];
    };
    expect(published.keys.map((key) => key.kid)).toEqual(
      expect.arrayContaining([decodeProtectedHeader(before).kid, ...added.slice(0, 2)]),
    );
    const meanwhile = (await signIn(frank)).tokens.id_token!;
    expect(decodeProtectedHeader(meanwhile).kid).toBe(decodeProtectedHeader(before).kid);

    t.clock.advance(t.config.signingKeys.activationDelayMs);
    await t.app.get(OidcMaintenanceService).runOnce();
    const after = (await signIn(frank)).tokens.id_token!;
    expect(added).toContain(decodeProtectedHeader(after).kid);
    const keys = createRemoteJWKSet(new URL(`${base}/oidc/jwks`));
    await expect(jwtVerify(before, keys)).resolves.toBeDefined();
    await expect(jwtVerify(after, keys)).resolves.toBeDefined();
  });
});
