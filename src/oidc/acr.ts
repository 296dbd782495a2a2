import { isMultiFactor } from '../common/access/authentication-method';

/** `acr` of a sign-in with the password alone. */
export const ACR_PASSWORD = 'urn:aegis:acr:password';
/**
 * `acr` of a sign-in with a second factor: the OpenID PAPE policy for multi-factor authentication, a value
 * relying parties may already know.
 */
export const ACR_MULTI_FACTOR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/** Every `acr` Aegis issues, weakest first (discovery's `acr_values_supported`). */
export const ACR_VALUES = [ACR_PASSWORD, ACR_MULTI_FACTOR];

/** The `acr` a sign-in with these methods (RFC 8176 `amr`) reached. */
export function acrOf(amr: readonly string[]): string {
  return isMultiFactor(amr) ? ACR_MULTI_FACTOR : ACR_PASSWORD;
}

/**
 * Whether the `acr` values a client asked for (through `acr_values`, or `claims.id_token.acr`) can only be met
 * with a second factor: the multi-factor value is among them and the password one is not.
 */
export function asksMultiFactor(requested: readonly string[] = []): boolean {
  return requested.includes(ACR_MULTI_FACTOR) && !requested.includes(ACR_PASSWORD);
}

/** The `acr` values of an authorization request's parameters (as oidc-provider parsed them). */
export function requestedAcrs(params: Record<string, unknown>): string[] {
  const listed = typeof params.acr_values === 'string' ? params.acr_values.split(' ') : [];
  return [...listed, ...claimsAcrs(params.claims)].filter((value) => value !== '');
}

/** `claims.id_token.acr` of the `claims` parameter (JSON text): its `value` and `values`. */
function claimsAcrs(claims: unknown): string[] {
  if (typeof claims !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(claims);
  } catch {
    // The provider has already refused a malformed claims parameter; nothing asked here.
    return [];
  }
  const acr = (parsed as { id_token?: { acr?: unknown } } | null)?.id_token?.acr;
  if (typeof acr !== 'object' || acr === null) return [];
  const { value, values } = acr as { value?: unknown; values?: unknown };
  const all = [value, ...(Array.isArray(values) ? (values as unknown[]) : [])];
  return all.filter((entry): entry is string => typeof entry === 'string');
}
