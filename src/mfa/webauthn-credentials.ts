import { decodeClientDataJSON } from '@simplewebauthn/server/helpers';
import type { WebAuthnCredential } from '@simplewebauthn/server';
import { createHash } from 'node:crypto';
import type { MfaFactor } from './entities/mfa-factor.entity';

/** A ceremony lives as long as a login challenge: long enough to find the key, short enough to be useless later. */
export const WEBAUTHN_CEREMONY_TTL_MS = 5 * 60_000;

/** Transports browsers report (WebAuthn Level 3); anything else is dropped before it is stored. */
const KNOWN_TRANSPORTS = new Set([
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
]);

/** Challenges are kept as their SHA-256 only, like every other token Aegis hands out. */
export const hashChallenge = (challenge: string) =>
  createHash('sha256').update(challenge).digest('hex');

/**
 * The challenge the browser signed, read from the response's client data (without trusting anything else in
 * it yet: the signature check comes later). Undefined when the client data is not readable.
 */
export function signedChallengeOf(response: {
  response?: { clientDataJSON?: unknown };
}): string | undefined {
  const clientDataJSON = response.response?.clientDataJSON;
  if (typeof clientDataJSON !== 'string') return undefined;
  try {
    const { challenge } = decodeClientDataJSON(clientDataJSON);
    return typeof challenge === 'string' && challenge !== '' ? challenge : undefined;
  } catch {
    return undefined;
  }
}

export function transportsToColumn(transports: readonly string[] | undefined): string | null {
  const kept = (transports ?? []).filter((transport) => KNOWN_TRANSPORTS.has(transport));
  return kept.length > 0 ? [...new Set(kept)].sort().join(',') : null;
}

export function transportsOf(factor: Pick<MfaFactor, 'transports'>): string[] | undefined {
  return factor.transports ? factor.transports.split(',') : undefined;
}

/** A stored passkey as SimpleWebAuthn verifies against it. */
export function credentialOf(factor: MfaFactor): WebAuthnCredential {
  return {
    id: factor.credentialId!,
    publicKey: new Uint8Array(Buffer.from(factor.publicKey!, 'base64url')),
    counter: factor.signCount ?? 0,
    transports: transportsOf(factor),
  };
}

/**
 * A signature counter that did not move forward: the authenticator (or a copy of its key) was used somewhere
 * this server did not see. Authenticators that keep no counter send 0 every time, which is allowed.
 */
export function counterRewound(stored: number, presented: number): boolean {
  return (stored > 0 || presented > 0) && presented <= stored;
}
