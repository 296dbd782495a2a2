import { OidcError, OidcErrorCode } from './oidc.error';

export type ClientGrantType = 'authorization_code' | 'client_credentials';
export type IdTokenAlg = 'ES256' | 'RS256';

/** How a confidential client proves who it is at the token, introspection and revocation endpoints. */
export const CONFIDENTIAL_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
] as const;
export type ConfidentialAuthMethod = (typeof CONFIDENTIAL_AUTH_METHODS)[number];
/** `none`: a public client, PKCE alone. */
export type ClientAuthMethod = ConfidentialAuthMethod | 'none';

/** A JSON Web Key Set of public keys (the provider checks each key). */
export interface ClientJwks {
  keys: Record<string, unknown>[];
}

export interface ClientRegistration {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  /**
   * Logout tokens carry `sid` (OpenID Back-Channel Logout's `backchannel_logout_session_required`). Default: true
   * with a back-channel URI, since ID tokens carry `sid` and tools such as mod_auth_openidc then find the session
   * by it; false sends logout tokens that name the user only. Needs a back-channel URI.
   */
  backchannelLogoutSessionRequired?: boolean;
  /** A public client (a SPA, a CLI) has no secret and authenticates with PKCE alone. */
  isPublic: boolean;
  grantTypes: ClientGrantType[];
  idTokenSigningAlg: IdTokenAlg;
  /** Default: `none` for a public client, `client_secret_basic` for a confidential one. */
  tokenEndpointAuthMethod?: ClientAuthMethod;
  /** private_key_jwt only: the client's public keys, inline or where the provider fetches them (one of the two). */
  jwks?: ClientJwks | null;
  jwksUri?: string | null;
  /** Resources (of OIDC_RESOURCES) this client serves: it may introspect access tokens issued for them. */
  introspectionResources?: string[];
}

/** A registration as stored and read back: every default filled in. */
export type StoredRegistration = Required<ClientRegistration>;

export type ClientChanges = Partial<
  Pick<
    ClientRegistration,
    | 'name'
    | 'redirectUris'
    | 'postLogoutRedirectUris'
    | 'backchannelLogoutUri'
    | 'backchannelLogoutSessionRequired'
    | 'idTokenSigningAlg'
    | 'tokenEndpointAuthMethod'
    | 'jwks'
    | 'jwksUri'
    | 'introspectionResources'
  >
> & { isEnabled?: boolean };

/** Whether clients of this method hold a secret (stored as a hash). */
export const usesSecret = (method: ClientAuthMethod): boolean =>
  method === 'client_secret_basic' || method === 'client_secret_post';

/** Resources as the configuration lists them (`https://api.example` is `https://api.example/`). */
const asResources = (uris: string[]): string[] => uris.map((uri) => URL.parse(uri)?.href ?? uri);

export function withDefaults(registration: ClientRegistration): StoredRegistration {
  return {
    ...registration,
    tokenEndpointAuthMethod:
      registration.tokenEndpointAuthMethod ??
      (registration.isPublic ? 'none' : 'client_secret_basic'),
    backchannelLogoutSessionRequired:
      registration.backchannelLogoutSessionRequired ?? registration.backchannelLogoutUri !== null,
    jwks: registration.jwks ?? null,
    jwksUri: registration.jwksUri ?? null,
    introspectionResources: asResources(registration.introspectionResources ?? []),
  };
}

/**
 * The registration after `changes`: what is given replaces what was there, and a new key source (inline keys or
 * a JWKS URI) replaces the other one.
 */
export function applyChanges(
  current: StoredRegistration,
  changes: Omit<ClientChanges, 'isEnabled'>,
): StoredRegistration {
  const given = Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined),
  ) as Partial<StoredRegistration>;
  const next = { ...current, ...given };
  if (given.introspectionResources)
    next.introspectionResources = asResources(given.introspectionResources);
  // The flag follows the back-channel URI unless given: off without one, on (the default) when one is added.
  if (
    given.backchannelLogoutSessionRequired === undefined &&
    given.backchannelLogoutUri !== undefined
  )
    next.backchannelLogoutSessionRequired =
      given.backchannelLogoutUri !== null &&
      (current.backchannelLogoutUri === null || current.backchannelLogoutSessionRequired);
  if (given.jwks && given.jwksUri === undefined) next.jwksUri = null;
  if (given.jwksUri && given.jwks === undefined) next.jwks = null;
  return next;
}

const problem = (detail: string, field?: string): never => {
  throw new OidcError(OidcErrorCode.InvalidClientMetadata, detail, field);
};

/** Aegis's own rules on a registration (the provider's rules are checked on the metadata it becomes). */
export function assertCoherent(registration: StoredRegistration): void {
  const { grantTypes, redirectUris, isPublic, tokenEndpointAuthMethod: method } = registration;
  if (grantTypes.length === 0) problem('grant_types must not be empty', 'grant_types');
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0)
    problem('a client using authorization_code needs at least one redirect URI', 'redirect_uris');
  if (isPublic && grantTypes.includes('client_credentials'))
    problem('a public client cannot use client_credentials (it has no secret)', 'grant_types');
  if (!grantTypes.includes('authorization_code') && redirectUris.length > 0)
    problem('redirect URIs are only for clients using authorization_code', 'redirect_uris');
  if (isPublic !== (method === 'none'))
    problem(
      isPublic
        ? 'token_endpoint_auth_method is for confidential clients: a public client has none (PKCE only)'
        : 'token_endpoint_auth_method none is for public clients',
      'token_endpoint_auth_method',
    );
  if (registration.backchannelLogoutSessionRequired && registration.backchannelLogoutUri === null)
    problem(
      'backchannel_logout_session_required needs a backchannel_logout_uri',
      'backchannel_logout_session_required',
    );
  if ((registration.jwks !== null || registration.jwksUri !== null) && method !== 'private_key_jwt')
    problem(
      'jwks and jwks_uri are for clients using private_key_jwt',
      registration.jwks === null ? 'jwks_uri' : 'jwks',
    );
}
