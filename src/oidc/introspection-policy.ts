import {
  errors,
  type AccessToken,
  type Client,
  type ClientCredentials,
  type ClientMetadata,
  type RefreshToken,
} from 'oidc-provider';

/** Client metadata of Aegis's own: the resources (of OIDC_RESOURCES) a client serves as a resource server. */
export const INTROSPECTION_RESOURCES = 'introspection_resources';

/** The resources a client registered as served by it. */
export function resourcesServedBy(client: Client): string[] {
  const value = (client as unknown as Record<string, unknown>)[INTROSPECTION_RESOURCES];
  return Array.isArray(value) ? value.filter((entry) => typeof entry === 'string') : [];
}

/**
 * Who learns about a token at the introspection endpoint: the client it was issued to, and a confidential client
 * that serves one of the token's audiences (a resource server checking a token presented to it). A refresh token
 * is for the client it was issued to alone. Anyone else is told `active: false`, as for an unknown token.
 */
export function mayIntrospect(
  caller: Client,
  token: AccessToken | ClientCredentials | RefreshToken,
): boolean {
  if (token.clientId === caller.clientId) return true;
  if (caller.clientAuthMethod === 'none' || token.kind === 'RefreshToken') return false;
  const served = new Set(resourcesServedBy(caller));
  const audiences = token.aud === undefined ? [] : [token.aud].flat();
  return audiences.some((audience) => served.has(audience));
}

/**
 * The provider's check of `introspection_resources`, run on every registration and every client it loads: URLs,
 * on a confidential client. Whether each is in OIDC_RESOURCES is checked at registration only
 * (`ClientMetadataValidator`): a resource later removed from the configuration gets no tokens, and its client
 * keeps working.
 */
export function introspectionResourcesRule(
  _ctx: unknown,
  key: string,
  value: unknown,
  metadata: ClientMetadata,
): void {
  if (key !== INTROSPECTION_RESOURCES || value === undefined) return;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string'))
    throw new errors.InvalidClientMetadata(`${INTROSPECTION_RESOURCES} must be an array of URLs`);
  if (value.length > 0 && metadata.token_endpoint_auth_method === 'none')
    throw new errors.InvalidClientMetadata(
      `${INTROSPECTION_RESOURCES} is for confidential clients: a public client cannot introspect`,
    );
}
