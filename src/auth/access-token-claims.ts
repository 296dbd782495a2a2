/** The claims of an Aegis access token; all of them are required. Times are seconds since the epoch. */
export interface AccessTokenClaims {
  iss: string;
  aud: string | string[];
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
}

/** Every claim Aegis puts in an access token is required: a token missing one was not minted here. */
export function isAccessTokenClaims(value: unknown): value is AccessTokenClaims {
  const claims = value as Partial<AccessTokenClaims> | null;
  return (
    typeof claims?.sub === 'string' &&
    claims.sub !== '' &&
    typeof claims.sid === 'string' &&
    claims.sid !== '' &&
    typeof claims.jti === 'string' &&
    claims.jti !== '' &&
    typeof claims.iss === 'string' &&
    (typeof claims.aud === 'string' || Array.isArray(claims.aud)) &&
    Number.isInteger(claims.iat) &&
    Number.isInteger(claims.nbf) &&
    Number.isInteger(claims.exp)
  );
}
