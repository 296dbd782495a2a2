import { Secret, TOTP } from 'otpauth';

/** What authenticator apps default to (RFC 6238): 6 digits, 30-second steps, HMAC-SHA-1. */
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
const ALGORITHM = 'SHA1';
/** One step either side of now: a phone clock a little off, or a code typed as it turned over. */
const WINDOW = 1;
/** 160 bits, the HMAC-SHA-1 block the RFC recommends. */
const SECRET_BYTES = 20;

function totpOf(base32Secret: string, issuer = 'Aegis', label = 'Aegis'): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(base32Secret),
  });
}

/** A new random TOTP secret, base32 (what authenticator apps take). */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/** The `otpauth://totp/...` URI an authenticator app scans. */
export function otpauthUri(base32Secret: string, issuer: string, accountName: string): string {
  return totpOf(base32Secret, issuer, accountName).toString();
}

/**
 * The time step a code belongs to when it is right at `nowMs` (within one step either way), else null. The
 * step, not a yes/no: the caller accepts each step at most once.
 */
export function matchingStep(base32Secret: string, code: string, nowMs: number): number | null {
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return null;
  const totp = totpOf(base32Secret);
  const delta = totp.validate({ token: code, timestamp: nowMs, window: WINDOW });
  return delta === null ? null : totp.counter({ timestamp: nowMs }) + delta;
}
