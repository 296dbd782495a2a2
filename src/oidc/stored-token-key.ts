import { createHash } from 'node:crypto';

/**
 * Models whose id is itself the bearer secret a client presents (a token, a code, a request handle) and that
 * the provider only ever looks up by that id: their rows are keyed by the id's SHA-256, and the id is not kept in
 * the payload, so a copy of the database holds no working token.
 *
 * Not hashed, because something other than the id finds them and the provider needs the id back from the row:
 * `Session` (found by `uid` when a session ends; its id travels only in a cookie signed with a key derived from
 * OIDC_ENCRYPTION_KEY, which is not in the database), `DeviceCode` (found by its user code, then saved again under
 * its id; the device flow is off). `Interaction`, `Grant` and `ReplayDetection` ids are references, not
 * credentials: an interaction also needs its signed cookie, a grant id only names what tokens were issued under.
 */
export const HASHED_MODELS: ReadonlySet<string> = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'BackchannelAuthenticationRequest',
  'PushedAuthorizationRequest',
  'RegistrationAccessToken',
  'InitialAccessToken',
]);

/** SHA-256 (hex) of a token value: what its row is keyed by. */
export function tokenDigest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The key a model's row is stored under: the digest for the hashed models, the id itself for the rest. */
export function storedKeyOf(model: string, id: string): string {
  return HASHED_MODELS.has(model) ? tokenDigest(id) : id;
}
