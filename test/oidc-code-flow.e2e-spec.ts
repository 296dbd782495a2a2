import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createUser, type UserFixture } from './factories/user.factory';
import { AuditAction } from '../src/audit/audit-action';
import { auditEvents } from './support/audit';
import { credentialsOf } from './support/oidc';
import { TestBrowser } from './support/oidc-browser';
import {
  authorizationUrl,
  client,
  exchange,
  listen,
  REDIRECT_URI,
  registerRp,
  signInWithPassword,
  type RegisteredRp,
} from './support/oidc';
import { createTestApp, type TestApp } from './support/test-app';

describe('OpenID Connect: authorization code flow with a real relying party (openid-client)', () => {
  let t: TestApp;
  let base: string;
  let rp: RegisteredRp;
  let alice: UserFixture;

  beforeAll(async () => {
    t = await createTestApp({ env: { OIDC_RESOURCES: 'https://api.example.test/' } });
    base = await listen(t);
    rp = await registerRp(t, base);
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  const jwks = () => createRemoteJWKSet(new URL(`${base}/oidc/jwks`));

  it('publishes discovery for the /oidc issuer: code flow only, PKCE S256 only', async () => {
    const metadata = rp.config.serverMetadata();
    expect(metadata.issuer).toBe(`${base}/oidc`);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
    expect(metadata.end_session_endpoint).toBe(`${base}/oidc/session/end`);
  });

  it('signs in through the hosted form and issues an ID token signed by a key of the JWKS', async () => {
    const { tokens } = await signInWithPassword(rp, base, alice);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(alice.user.id);
    expect(claims.preferred_username).toBe(alice.username);
    expect(claims.roles).toEqual(['user']);
    expect(claims.amr).toEqual(['pwd']);
    expect(typeof claims.auth_time).toBe('number');
    const verified = await jwtVerify(tokens.id_token!, jwks(), {
      issuer: `${base}/oidc`,
      audience: rp.clientId,
    });
    expect(verified.protectedHeader.alg).toBe('ES256');
    const userinfo = await client.fetchUserInfo(rp.config, tokens.access_token, alice.user.id);
    expect(userinfo).toMatchObject({ sub: alice.user.id, preferred_username: alice.username });
    const [signIn] = await auditEvents(t, {
      action: AuditAction.OidcSignIn,
      actorUserId: alice.user.id,
    });
    expect(signIn).toMatchObject({ actorUsername: alice.username, targetUsername: alice.username });
  });

  it('shows the form again with a message that says what to do after a wrong password', async () => {
    const browser = new TestBrowser();
    const started = await authorizationUrl(rp);
    const page = await browser.follow(started.url, base);
    const wrong = await browser.submit(page, base, { username: alice.username, password: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('The username or password is incorrect');
    expect(wrong.body).not.toContain('<script');
    const right = await browser.submit(wrong, base, credentialsOf(alice));
    expect((await exchange(rp, started, right)).claims()?.sub).toBe(alice.user.id);
  });

  it('serves the sign-in page as plain HTML: labelled fields, no script, a CSP that allows none', async () => {
    const started = await authorizationUrl(rp);
    const browser = new TestBrowser();
    const first = await browser.request(started.url);
    const response = await fetch(first.location!, {
      headers: { cookie: browser.jar.header(first.location!) },
    });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    const html = await response.text();
    expect(html).not.toMatch(/<script|\son[a-z]+=/i);
    expect(html).toContain('<label for="username">');
    expect(html).toContain('<label for="password">');
    expect(html).toContain('Test tool');
  });

  it('rotates refresh tokens and, on reuse of a rotated one, revokes the grant', async () => {
    const { tokens } = await signInWithPassword(rp, base, alice, new TestBrowser(), {
      prompt: 'consent',
    });
    const first = tokens.refresh_token!;
    const second = await client.refreshTokenGrant(rp.config, first);
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(first);
    await expect(client.refreshTokenGrant(rp.config, first)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(client.refreshTokenGrant(rp.config, second.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('answers introspection for a live token and active:false once it is revoked', async () => {
    const { tokens } = await signInWithPassword(rp, base, alice);
    const live = await client.tokenIntrospection(rp.config, tokens.access_token);
    expect(live).toMatchObject({ active: true, sub: alice.user.id, client_id: rp.clientId });
    await client.tokenRevocation(rp.config, tokens.access_token);
    expect(await client.tokenIntrospection(rp.config, tokens.access_token)).toEqual({
      active: false,
    });
  });

  it('refuses a replayed code with invalid_grant and revokes what the first exchange issued', async () => {
    const browser = new TestBrowser();
    const started = await authorizationUrl(rp);
    const page = await browser.follow(started.url, base);
    const callback = await browser.submit(page, base, credentialsOf(alice));
    const tokens = await exchange(rp, started, callback);
    await expect(exchange(rp, started, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await client.tokenIntrospection(rp.config, tokens.access_token)).toEqual({
      active: false,
    });
  });

  it('shows an error page, never a redirect, for an unregistered redirect_uri', async () => {
    for (const redirect of ['http://127.0.0.1:9/callback/', 'https://evil.example/callback']) {
      const started = await authorizationUrl(rp, { redirect_uri: redirect });
      const hop = await new TestBrowser().follow(started.url, base);
      expect(hop.location).toBeUndefined();
      expect(hop.status).toBe(400);
      expect(hop.body).toContain('redirect_uri');
    }
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = new URL(`${base}/oidc/auth`);
    url.search = new URLSearchParams({
      client_id: rp.clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: REDIRECT_URI,
      state: 'abc',
    }).toString();
    const hop = await new TestBrowser().follow(url, base);
    expect(hop.location?.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(hop.location?.searchParams.get('error')).toBe('invalid_request');
    expect(hop.location?.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses implicit and hybrid response types', async () => {
    for (const responseType of ['id_token', 'code id_token', 'token']) {
      const started = await authorizationUrl(rp, { response_type: responseType });
      const hop = await new TestBrowser().follow(started.url, base);
      const error = hop.location?.searchParams.get('error') ?? hop.body;
      expect(error).toMatch(/unsupported_response_type|invalid_request/);
    }
  });

  it('issues RFC 9068 JWT access tokens for a registered resource, verifiable with the JWKS alone', async () => {
    const { tokens } = await signInWithPassword(rp, base, alice, new TestBrowser(), {
      resource: 'https://api.example.test/',
      scope: 'openid read',
    });
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt');
    const { payload } = await jwtVerify(tokens.access_token, jwks(), {
      issuer: `${base}/oidc`,
      audience: 'https://api.example.test/',
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({ sub: alice.user.id, client_id: rp.clientId, scope: 'read' });
  });

  it('gives a service client an access token with client_credentials', async () => {
    const service = await registerRp(t, base, {
      grantTypes: ['client_credentials'],
      redirectUris: [],
      postLogoutRedirectUris: [],
    });
    const tokens = await client.clientCredentialsGrant(service.config, {
      resource: 'https://api.example.test/',
      scope: 'read',
    });
    const { payload } = await jwtVerify(tokens.access_token, jwks(), {
      audience: 'https://api.example.test/',
      typ: 'at+jwt',
    });
    expect(payload.client_id).toBe(service.clientId);
  });
});
