import { decodeProtectedHeader } from 'jose';
import { createUser, type UserFixture } from './factories/user.factory';
import { TestBrowser } from './support/oidc-browser';
import { client, listen, registerRp, signInWithPassword, type RegisteredRp } from './support/oidc';
import { createTestApp, type TestApp } from './support/test-app';

/** An API whose server introspects, and one whose server verifies JWTs with the JWKS. */
const INTROSPECTED = 'https://api.example.test/';
const VERIFIED = 'https://reports.example.test/';

const isJwt = (token: string) => {
  try {
    return decodeProtectedHeader(token).typ === 'at+jwt';
  } catch {
    return false;
  }
};

describe('OpenID Connect: introspection answers the client a token was issued to, and its resource server', () => {
  let t: TestApp;
  let base: string;
  let wiki: RegisteredRp;
  let otherTool: RegisteredRp;
  let apiServer: RegisteredRp;
  let alice: UserFixture;

  beforeAll(async () => {
    t = await createTestApp({ env: { OIDC_RESOURCES: `${INTROSPECTED},${VERIFIED}` } });
    base = await listen(t);
    wiki = await registerRp(t, base);
    otherTool = await registerRp(t, base);
    apiServer = await registerRp(t, base, {
      grantTypes: ['client_credentials'],
      redirectUris: [],
      postLogoutRedirectUris: [],
      introspectionResources: [INTROSPECTED],
    });
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  const introspect = (by: RegisteredRp, token: string) =>
    client.tokenIntrospection(by.config, token);

  it('tells another client nothing about a token issued to the wiki, and the wiki everything', async () => {
    const { tokens } = await signInWithPassword(wiki, base, alice);
    expect(await introspect(otherTool, tokens.access_token)).toEqual({ active: false });
    // A resource server learns nothing about a token that was not issued for its resource either.
    expect(await introspect(apiServer, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(wiki, tokens.access_token)).toMatchObject({
      active: true,
      client_id: wiki.clientId,
      sub: alice.user.id,
    });
  });

  it('answers the resource server about a token issued for its resource, and no other client', async () => {
    const { tokens } = await signInWithPassword(wiki, base, alice, new TestBrowser(), {
      resource: INTROSPECTED,
      scope: 'openid read',
    });
    // Tokens for a resource whose server introspects are opaque: the provider introspects no JWT.
    expect(isJwt(tokens.access_token)).toBe(false);
    expect(await introspect(apiServer, tokens.access_token)).toMatchObject({
      active: true,
      aud: INTROSPECTED,
      client_id: wiki.clientId,
      sub: alice.user.id,
      scope: 'read',
    });
    expect(await introspect(otherTool, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(wiki, tokens.access_token)).toMatchObject({ active: true });
  });

  it('answers the resource server about a service token issued for it', async () => {
    const service = await registerRp(t, base, {
      grantTypes: ['client_credentials'],
      redirectUris: [],
      postLogoutRedirectUris: [],
    });
    const { access_token } = await client.clientCredentialsGrant(service.config, {
      resource: INTROSPECTED,
      scope: 'read',
    });
    expect(await introspect(apiServer, access_token)).toMatchObject({
      active: true,
      aud: INTROSPECTED,
      client_id: service.clientId,
    });
    expect(await introspect(wiki, access_token)).toEqual({ active: false });
  });

  it('keeps JWT access tokens for a resource no registered client introspects', async () => {
    const { tokens } = await signInWithPassword(wiki, base, alice, new TestBrowser(), {
      resource: VERIFIED,
      scope: 'openid read',
    });
    expect(isJwt(tokens.access_token)).toBe(true);
  });
});
