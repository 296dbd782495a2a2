import { createHmac } from 'node:crypto';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The parts of a compact JWT, decoded. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [header, claims] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    claims: JSON.parse(Buffer.from(claims, 'base64url').toString()),
  };
}

/**
 * Signs any header and claims with any HMAC secret, as an attacker holding (or guessing) a key would:
 * no library in between deciding what is allowed.
 */
export function forgeJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  secret: string,
): string {
  const bits = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[String(header.alg)];
  const input = `${b64(header)}.${b64(claims)}`;
  const signature =
    bits === undefined ? '' : createHmac(bits, secret).update(input).digest('base64url');
  return `${input}.${signature}`;
}
