import type { AdapterPayload } from 'oidc-provider';
import type {
  ClientAuthMethod,
  ClientGrantType,
  ClientJwks,
  IdTokenAlg,
  StoredRegistration,
} from './client-registration';
import type { OidcClient } from './entities/oidc-client.entity';
import { INTROSPECTION_RESOURCES } from './introspection-policy';

/** What the registration stores as JSON: OIDC client metadata (RFC 7591 names), never a secret. */
export interface StoredMetadata {
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: ClientAuthMethod;
  id_token_signed_response_alg: IdTokenAlg;
  jwks?: ClientJwks;
  jwks_uri?: string;
  [INTROSPECTION_RESOURCES]?: string[];
}

export function toMetadata(registration: StoredRegistration): StoredMetadata {
  const interactive = registration.grantTypes.includes('authorization_code');
  return {
    client_name: registration.name,
    redirect_uris: registration.redirectUris,
    post_logout_redirect_uris: registration.postLogoutRedirectUris,
    ...(registration.backchannelLogoutUri !== null && {
      backchannel_logout_uri: registration.backchannelLogoutUri,
      backchannel_logout_session_required: registration.backchannelLogoutSessionRequired,
    }),
    // Refresh tokens come with the code flow (issued only when offline_access is granted).
    grant_types: interactive
      ? [...registration.grantTypes, 'refresh_token']
      : registration.grantTypes,
    response_types: interactive ? ['code'] : [],
    token_endpoint_auth_method: registration.tokenEndpointAuthMethod,
    id_token_signed_response_alg: registration.idTokenSigningAlg,
    ...(registration.jwks !== null && { jwks: registration.jwks }),
    ...(registration.jwksUri !== null && { jwks_uri: registration.jwksUri }),
    ...(registration.introspectionResources.length > 0 && {
      [INTROSPECTION_RESOURCES]: registration.introspectionResources,
    }),
  };
}

export function toRegistration(row: OidcClient): StoredRegistration {
  const metadata = JSON.parse(row.metadata) as StoredMetadata;
  return {
    name: row.name,
    redirectUris: metadata.redirect_uris,
    postLogoutRedirectUris: metadata.post_logout_redirect_uris,
    backchannelLogoutUri: metadata.backchannel_logout_uri ?? null,
    backchannelLogoutSessionRequired:
      metadata.backchannel_logout_session_required ?? metadata.backchannel_logout_uri !== undefined,
    isPublic: metadata.token_endpoint_auth_method === 'none',
    grantTypes: metadata.grant_types.filter(
      (grant): grant is ClientGrantType => grant !== 'refresh_token',
    ),
    idTokenSigningAlg: metadata.id_token_signed_response_alg,
    tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
    jwks: metadata.jwks ?? null,
    jwksUri: metadata.jwks_uri ?? null,
    introspectionResources: metadata[INTROSPECTION_RESOURCES] ?? [],
  };
}

/**
 * The client as the provider reads it: metadata with the secret's hash in `client_secret` (the provider's
 * secret comparison is replaced by a hash check).
 */
export function providerView(row: OidcClient): AdapterPayload {
  return {
    ...(JSON.parse(row.metadata) as StoredMetadata),
    client_id: row.id,
    ...(row.secretHash !== null && { client_secret: row.secretHash }),
  } as AdapterPayload;
}
