import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { createUser, type UserFixture } from './factories/user.factory';
import { TestBrowser } from './support/oidc-browser';
import {
  authorizationUrl,
  client,
  listen,
  REDIRECT_URI,
  registerRp,
  signInWithPassword,
  type RegisteredRp,
} from './support/oidc';
import { createTestApp, type TestApp } from './support/test-app';

const API = 'https://api.example.test/';
const INVALID_CLIENT = { status: 401, error: 'invalid_client' };

/** How a request was refused, whether the library read the error from the body or from WWW-Authenticate. */
function refusal(request: Promise<unknown>): Promise<{ status?: number; error?: string }> {
  return request.then(
    () => {
      throw new Error('expected the request to be refused');
    },
    (error: { status?: number; error?: string; cause?: unknown }) => ({
      status: error.status,
      error:
        error.error ??
        (Array.isArray(error.cause)
          ? (error.cause[0] as { parameters?: { error?: string } }).parameters?.error
          : undefined),
    }),
  );
}

/** A tool that signs users in and calls an API with its own identity. */
const BOTH_GRANTS = { grantTypes: ['authorization_code' as const, 'client_credentials' as const] };

describe('OpenID Connect: confidential clients authenticate as they registered (openid-client)', () => {
  let t: TestApp;
  let base: string;
  let alice: UserFixture;

  beforeAll(async () => {
    t = await createTestApp({ env: { OIDC_RESOURCES: API } });
    base = await listen(t);
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  /** The same client, authenticating another way than it registered. */
  const otherwise = (rp: RegisteredRp, auth: client.ClientAuth) =>
    client.discovery(new URL(`${base}/oidc`), rp.clientId, undefined, auth, {
      execute: [client.allowInsecureRequests],
    });

  const serviceToken = (config: client.Configuration) =>
    client.clientCredentialsGrant(config, { resource: API, scope: 'read' });

  async function keyPair(kid: string) {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  }

  it('lists every method it accepts in discovery', async () => {
    const rp = await registerRp(t, base);
    expect(rp.config.serverMetadata().token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
      'none',
    ]);
  });

  it('a client_secret_post client signs a user in and gets a service token, its secret in the body', async () => {
    const rp = await registerRp(t, base, {
      ...BOTH_GRANTS,
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    const { tokens } = await signInWithPassword(rp, base, alice);
    expect(tokens.claims()?.sub).toBe(alice.user.id);
    expect((await serviceToken(rp.config)).access_token).toEqual(expect.any(String));
  });

  it('takes the secret of a secret client in either place, as the provider does, and a wrong one in neither', async () => {
    const post = await registerRp(t, base, {
      ...BOTH_GRANTS,
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    const basic = await registerRp(t, base, BOTH_GRANTS);
    expect(
      (await serviceToken(await otherwise(post, client.ClientSecretBasic(post.clientSecret))))
        .access_token,
    ).toEqual(expect.any(String));
    for (const auth of [client.ClientSecretPost('wrong'), client.ClientSecretBasic('wrong')])
      expect(await refusal(serviceToken(await otherwise(basic, auth)))).toEqual(INVALID_CLIENT);
  });

  it('a private_key_jwt client has no secret, signs a user in and gets a service token with its key', async () => {
    const { privateKey, jwk } = await keyPair('tool-1');
    const rp = await registerRp(
      t,
      base,
      { ...BOTH_GRANTS, tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] } },
      () => client.PrivateKeyJwt({ key: privateKey, kid: 'tool-1' }),
    );
    expect(rp.clientSecret).toBeUndefined();
    const { tokens } = await signInWithPassword(rp, base, alice);
    expect(tokens.claims()?.sub).toBe(alice.user.id);
    expect((await serviceToken(rp.config)).access_token).toEqual(expect.any(String));
  });

  it('fetches the keys of a private_key_jwt client from its registered jwks_uri, on a loopback address', async () => {
    const { privateKey, jwk } = await keyPair('tool-uri');
    let fetched = 0;
    const keys = createServer((_request, response) => {
      fetched += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    try {
      const jwksUri = `http://127.0.0.1:${(keys.address() as AddressInfo).port}/jwks`;
      const rp = await registerRp(
        t,
        base,
        { ...BOTH_GRANTS, tokenEndpointAuthMethod: 'private_key_jwt', jwksUri },
        () => client.PrivateKeyJwt({ key: privateKey, kid: 'tool-uri' }),
      );
      expect((await serviceToken(rp.config)).access_token).toEqual(expect.any(String));
      expect(fetched).toBeGreaterThanOrEqual(1);
    } finally {
      await new Promise((resolve) => keys.close(resolve));
    }
  });

  it('refuses an assertion signed with a key the client did not register: 401 invalid_client', async () => {
    const { jwk } = await keyPair('tool-2');
    const stranger = await keyPair('tool-2');
    const rp = await registerRp(
      t,
      base,
      { ...BOTH_GRANTS, tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] } },
      () => client.PrivateKeyJwt({ key: stranger.privateKey, kid: 'tool-2' }),
    );
    expect(await refusal(serviceToken(rp.config))).toEqual(INVALID_CLIENT);
    // Nor does a secret, sent either way, stand in for the key.
    for (const auth of [client.ClientSecretBasic('guessed'), client.ClientSecretPost('guessed')])
      expect(await refusal(serviceToken(await otherwise(rp, auth)))).toEqual(INVALID_CLIENT);
  });

  it('still requires PKCE of a client that authenticates with its key', async () => {
    const { privateKey, jwk } = await keyPair('tool-3');
    const rp = await registerRp(
      t,
      base,
      { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] } },
      () => client.PrivateKeyJwt({ key: privateKey, kid: 'tool-3' }),
    );
    const { url } = await authorizationUrl(rp);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const hop = await new TestBrowser().follow(url, base);
    expect(hop.location?.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(hop.location?.searchParams.get('error')).toBe('invalid_request');
    expect(hop.location?.searchParams.get('error_description')).toMatch(/PKCE/);
  });
});
