import { createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { TestApp } from './test-app';
import { AccessTokenKeys } from '../../src/auth/access-token-keys';
import { SigningKeyPurpose } from '../../src/signing-keys/signing-key-kinds';
import { SigningKeyStore } from '../../src/signing-keys/signing-key-store.service';

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

const HMAC = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as Record<string, string>;
const ECDSA = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' } as Record<string, string>;

/**
 * Signs any header and claims as its `alg` says, with any key, as an attacker holding (or guessing) a key
 * would: no library in between deciding what is allowed. An HMAC takes any bytes as its secret (the text of a
 * public key, for an algorithm-confusion attempt); ECDSA a private key. Any other alg gets no signature.
 */
export function forgeJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: string | KeyObject,
): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const alg = String(header.alg);
  let signature = '';
  if (HMAC[alg] !== undefined)
    signature = createHmac(HMAC[alg], key).update(input).digest('base64url');
  else if (ECDSA[alg] !== undefined && typeof key !== 'string')
    signature = sign(ECDSA[alg], Buffer.from(input), {
      key,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
  return `${input}.${signature}`;
}

/** The private key this app signs access tokens with now, as a thief of the database and its key would hold it. */
export function accessTokenSigningKey(t: TestApp): KeyObject {
  return t.app.get(AccessTokenKeys).signing().key;
}

/** A private key of the OpenID provider (same store, other purpose) and its kid. */
export async function openIdSigningKey(t: TestApp): Promise<{ kid: string; key: KeyObject }> {
  const [stored] = (await t.app.get(SigningKeyStore).keysOf(SigningKeyPurpose.OpenId)).filter(
    (key) => key.alg === 'ES256',
  );
  return {
    kid: stored.kid,
    key: createPrivateKey({ key: stored.privateJwk, format: 'jwk' }),
  };
}
