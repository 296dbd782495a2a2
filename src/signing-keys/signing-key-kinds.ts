/** What a stored key signs. A key of one purpose never verifies a token of the other. */
export enum SigningKeyPurpose {
  /** The OpenID provider's ID tokens, JWT access tokens and logout tokens (published at /oidc/jwks). */
  OpenId = 'oidc',
  /** Aegis's own access tokens (published at /auth/jwks). */
  AccessToken = 'access_token',
}

export type SigningAlgorithm = 'ES256' | 'RS256';

/** Every key the store keeps one of in use, each rotated by `keys:rotate`. */
export const SIGNING_KEY_KINDS: ReadonlyArray<{
  purpose: SigningKeyPurpose;
  alg: SigningAlgorithm;
}> = [
  // ES256 signs by default; RS256 is there for OpenID clients that cannot verify anything else.
  { purpose: SigningKeyPurpose.OpenId, alg: 'ES256' },
  { purpose: SigningKeyPurpose.OpenId, alg: 'RS256' },
  { purpose: SigningKeyPurpose.AccessToken, alg: 'ES256' },
];

export type SigningKeyState = 'next' | 'current' | 'retired' | 'expired';

export interface SigningKeyTimes {
  activatesAt: Date;
  retiredAt: Date | null;
}

/**
 * Where a key is in its life at `now`: `next` (published, verifies, does not sign yet), `current` (signs),
 * `retired` (verifies what it signed until `keepMs` after retirement), then `expired` (verifies nothing; the
 * purge deletes it).
 */
export function signingKeyState(key: SigningKeyTimes, now: Date, keepMs: number): SigningKeyState {
  if (key.retiredAt !== null && key.retiredAt.getTime() <= now.getTime())
    return key.retiredAt.getTime() + keepMs <= now.getTime() ? 'expired' : 'retired';
  return key.activatesAt.getTime() <= now.getTime() ? 'current' : 'next';
}

/**
 * The key that signs at `now`: of the current ones, the latest activated. Every instance that knows the same
 * keys picks the same one, whatever order they were loaded in.
 */
export function signingKeyAt<T extends SigningKeyTimes & { kid: string }>(
  keys: readonly T[],
  now: Date,
  keepMs: number,
): T | undefined {
  let chosen: T | undefined;
  for (const key of keys) {
    if (signingKeyState(key, now, keepMs) !== 'current') continue;
    if (
      chosen === undefined ||
      key.activatesAt.getTime() > chosen.activatesAt.getTime() ||
      (key.activatesAt.getTime() === chosen.activatesAt.getTime() && key.kid > chosen.kid)
    )
      chosen = key;
  }
  return chosen;
}
