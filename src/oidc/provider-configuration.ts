import { hkdfSync } from 'node:crypto';
import type { JWK } from 'jose';
import {
  errors,
  interactionPolicy,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { AppConfig } from '../config/app-config';
import { ACR_MULTI_FACTOR, ACR_VALUES, asksMultiFactor } from './acr';
import {
  INTROSPECTION_RESOURCES,
  introspectionResourcesRule,
  mayIntrospect,
} from './introspection-policy';
import { messagePage, logoutPage } from './pages/message.page';
import { pageHeaders } from './pages/page-layout';

/** How long the provider's artifacts live, in seconds. */
export const OIDC_TTL = {
  AuthorizationCode: 60,
  IdToken: 3_600,
  AccessToken: 600,
  ClientCredentials: 600,
  Interaction: 900,
} as const;

/** Scopes of the ID token and userinfo, and the claims each gives. */
export const OIDC_CLAIMS = {
  openid: ['sub', 'auth_time', 'acr', 'amr'],
  profile: ['preferred_username', 'name'],
  roles: ['roles'],
};

export interface ProviderHooks {
  adapter: NonNullable<Configuration['adapter']>;
  findAccount: NonNullable<Configuration['findAccount']>;
  /** A login check: true when the provider session's Aegis session ended (a new sign-in is needed). */
  aegisSessionEnded: (ctx: KoaContextWithOIDC) => Promise<boolean>;
  /** The provider's outgoing requests (registeredUriFetch). */
  fetch: NonNullable<Configuration['fetch']>;
  /** Whether a client registered as the server of this resource introspects its tokens. */
  resourceIntrospected: (resource: string) => Promise<boolean>;
}

/** The cookie signing keys of the provider, derived from the encryption key (one secret less to manage). */
function cookieKeys(config: AppConfig): string[] {
  return [
    Buffer.from(
      hkdfSync('sha256', config.oidc.encryptionKey, '', 'aegis oidc cookies', 32),
    ).toString('base64url'),
  ];
}

function policy(hooks: ProviderHooks): interactionPolicy.Prompt[] {
  const prompts = interactionPolicy.base();
  const login = prompts.get('login');
  login?.checks.add(
    new interactionPolicy.Check(
      'aegis_session_ended',
      'The Aegis session this sign-in belonged to has ended',
      async (ctx) =>
        (await hooks.aegisSessionEnded(ctx))
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
  );
  // A client asking for multi-factor (acr_values, or claims.id_token.acr) is not served by a provider session
  // signed in with the password alone: the hosted page asks for the second factor.
  login?.checks.add(
    new interactionPolicy.Check(
      'aegis_multi_factor',
      'The client asked for a second factor this session did not use',
      (ctx) => {
        const acr = ctx.oidc.claims?.id_token?.acr as
          { value?: string; values?: string[] } | undefined;
        const requested = acr?.values ?? (acr?.value === undefined ? [] : [acr.value]);
        return asksMultiFactor(requested) && ctx.oidc.session?.acr !== ACR_MULTI_FACTOR
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT;
      },
    ),
  );
  return [...prompts];
}

function html(ctx: KoaContextWithOIDC, body: string): void {
  ctx.set(pageHeaders());
  ctx.body = body;
}

/** The provider's configuration: code flow with PKCE only, keys from the database, Aegis's own pages. */
export function providerConfiguration(
  config: AppConfig,
  jwks: JWK[],
  hooks: ProviderHooks,
): Configuration {
  const resources = new Set(config.oidc.resources);
  return {
    adapter: hooks.adapter,
    findAccount: hooks.findAccount,
    fetch: hooks.fetch,
    jwks: { keys: jwks },
    clients: [],
    claims: OIDC_CLAIMS,
    scopes: ['openid', 'offline_access', 'profile', 'roles'],
    acrValues: ACR_VALUES,
    responseTypes: ['code'],
    // Each client registers one: a secret in the Authorization header (the default) or in the form body, a JWT
    // signed with its own key, or none (public clients, PKCE alone).
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    extraClientMetadata: {
      properties: [INTROSPECTION_RESOURCES],
      validator: introspectionResourcesRule,
    },
    pkce: { required: () => true },
    // Browser apps call the token endpoint and userinfo cross-origin: a public client (an SPA) from the origins of
    // its redirect URIs, userinfo for any client from those; never an opaque (`null`) origin. Discovery and the
    // JWKS are open to every origin (the provider's own rule).
    clientBasedCORS: (ctx, origin, client) =>
      origin !== 'null' &&
      (ctx.oidc.route === 'userinfo' || client.clientAuthMethod === 'none') &&
      (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    conformIdTokenClaims: false,
    rotateRefreshToken: true,
    clockTolerance: 5,
    cookies: {
      keys: cookieKeys(config),
      long: { signed: true, secure: config.secureCookies, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, secure: config.secureCookies, httpOnly: true, sameSite: 'lax' },
    },
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
      introspectionSigningAlgValues: ['ES256', 'RS256'],
      authorizationSigningAlgValues: ['ES256', 'RS256'],
    },
    interactions: {
      url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}`,
      policy: policy(hooks),
    },
    ttl: {
      ...OIDC_TTL,
      RefreshToken: Math.floor(config.sessionAbsoluteTtlMs / 1000),
      Grant: Math.floor(config.sessionAbsoluteTtlMs / 1000),
      Session: Math.floor(config.sessionAbsoluteTtlMs / 1000),
    },
    features: {
      devInteractions: { enabled: false },
      // Without it the provider drops `claims` from the request before any check reads it: an essential
      // multi-factor `acr` asked that way would reach neither the aegis_multi_factor check nor the hosted page.
      claimsParameter: { enabled: true },
      clientCredentials: { enabled: true },
      // A client learns about its own tokens, and a resource server about the access tokens issued for it.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, caller, token) => Promise.resolve(mayIntrospect(caller, token)),
      },
      // Only the client a token was issued to may revoke it.
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, caller, token) => Promise.resolve(token.clientId === caller.clientId),
      },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          html(ctx, logoutPage(form, ctx.oidc.client?.clientName));
          return Promise.resolve();
        },
        postLogoutSuccessSource: (ctx) => {
          html(ctx, messagePage('Signed out', 'You are signed out of Aegis and its tools.'));
          return Promise.resolve();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => Promise.resolve(oneOf),
        useGrantedResource: () => Promise.resolve(true),
        // Tokens for a resource whose server introspects are opaque (the provider introspects no JWT, and an
        // opaque token stops working at once); the others are JWTs the server verifies with the JWKS.
        getResourceServerInfo: async (_ctx, resource) => {
          if (!resources.has(resource)) throw new errors.InvalidTarget();
          const opaque = await hooks.resourceIntrospected(resource);
          return {
            scope: config.oidc.resourceScopes.join(' '),
            audience: resource,
            accessTokenTTL: OIDC_TTL.AccessToken,
            ...(opaque
              ? { accessTokenFormat: 'opaque' as const }
              : { accessTokenFormat: 'jwt' as const, jwt: { sign: { alg: 'ES256' as const } } }),
          };
        },
      },
    },
    renderError: (ctx, out) => {
      html(
        ctx,
        messagePage(
          'Sign-in could not continue',
          typeof out.error_description === 'string' ? out.error_description : String(out.error),
          'Go back to the application you came from and start again. If this keeps happening, tell its administrator.',
        ),
      );
      return Promise.resolve();
    },
  };
}
