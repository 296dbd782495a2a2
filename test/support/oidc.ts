import * as client from 'openid-client';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { OidcClientsService, type ClientRegistration } from '../../src/oidc/oidc-clients.service';
import { TestBrowser, type Hop } from './oidc-browser';
import type { TestApp } from './test-app';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const POST_LOGOUT_URI = 'http://127.0.0.1:9/signed-out';

export interface RegisteredRp {
  clientId: string;
  clientSecret?: string;
  config: client.Configuration;
}

/** The server's own base URL (listening on 127.0.0.1, port chosen by the OS). */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  return (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
}

/** How the relying party authenticates: by default as the registration says, with the secret it got. */
export type RpAuth = (secret: string | undefined) => client.ClientAuth;

const authAsRegistered =
  (method: ClientRegistration['tokenEndpointAuthMethod']): RpAuth =>
  (secret) =>
    secret === undefined
      ? client.None()
      : method === 'client_secret_post'
        ? client.ClientSecretPost(secret)
        : client.ClientSecretBasic(secret);

/** Registers a client through the service (the admin API has its own tests) and discovers the provider. */
export async function registerRp(
  t: TestApp,
  base: string,
  overrides: Partial<ClientRegistration> = {},
  auth: RpAuth = authAsRegistered(overrides.tokenEndpointAuthMethod),
): Promise<RegisteredRp> {
  const { client: registered, secret } = await t.app.get(UnitOfWork).run(() =>
    t.app.get(OidcClientsService).create(
      { userId: null },
      {
        name: 'Test tool',
        redirectUris: [REDIRECT_URI],
        postLogoutRedirectUris: [POST_LOGOUT_URI],
        backchannelLogoutUri: null,
        isPublic: false,
        grantTypes: ['authorization_code'],
        idTokenSigningAlg: 'ES256',
        ...overrides,
      },
    ),
  );
  const config = await client.discovery(
    new URL(`${base}/oidc`),
    registered.id,
    { id_token_signed_response_alg: overrides.idTokenSigningAlg ?? 'ES256' },
    auth(secret),
    { execute: [client.allowInsecureRequests] },
  );
  return { clientId: registered.id, clientSecret: secret, config };
}

export interface Started {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationUrl(
  rp: RegisteredRp,
  params: Record<string, string> = {},
): Promise<Started> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(rp.config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile roles offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

/** Exchanges the code of the callback `hop` with the relying party's strict checks. */
export function exchange(rp: RegisteredRp, started: Started, callback: Hop) {
  if (!callback.location?.href.startsWith(REDIRECT_URI))
    throw new Error(
      `Expected a redirect to the callback, got ${callback.status}: ${callback.body.slice(0, 300)}`,
    );
  return client.authorizationCodeGrant(rp.config, callback.location, {
    pkceCodeVerifier: started.verifier,
    expectedState: started.state,
    expectedNonce: started.nonce,
    idTokenExpected: true,
  });
}

/**
 * The password step of a sign-in through the hosted form: the started request, the form page, and what the form
 * answered with (the callback redirect, or the next step's page).
 */
export async function passwordStepOf(
  rp: RegisteredRp,
  base: string,
  who: { username: string; password: string },
  browser = new TestBrowser(),
  params: Record<string, string> = {},
) {
  const started = await authorizationUrl(rp, params);
  const page = await browser.follow(started.url, base);
  const answer = await browser.submit(page, base, {
    username: who.username,
    password: who.password,
  });
  return { started, browser, page, answer };
}

/** The whole code flow through the hosted password form; returns the tokens and the browser (its cookies). */
export async function signInWithPassword(
  rp: RegisteredRp,
  base: string,
  who: { username: string; password: string },
  browser = new TestBrowser(),
  params: Record<string, string> = {},
) {
  const { started, answer } = await passwordStepOf(rp, base, who, browser, params);
  return { tokens: await exchange(rp, started, answer), browser, started };
}

export const credentialsOf = (who: { username: string; password: string }) => ({
  username: who.username,
  password: who.password,
});

export { client };
