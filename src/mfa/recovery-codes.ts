import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32 (no I, L, O, U): 32 symbols of 5 bits, 16 of them: 80 bits per code. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/** A fresh code, `XXXX-XXXX-XXXX-XXXX`. */
export function newRecoveryCode(): string {
  const groups: string[] = [];
  for (let group = 0; group < GROUPS; group++) {
    let text = '';
    for (let index = 0; index < GROUP_LENGTH; index++) text += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(text);
  }
  return groups.join('-');
}

/** What the user typed, as the code it means: case, spaces and dashes do not matter; O and I, L read as 0 and 1. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/**
 * The stored form: SHA-256 over the user id and the normalised code. 80 random bits need no slow hash (no
 * dictionary to try); the user id keeps equal codes of two users apart and makes the lookup per user.
 */
export function hashRecoveryCode(userId: string, typed: string): string {
  return createHash('sha256')
    .update(`${userId}:${normalizeRecoveryCode(typed)}`)
    .digest('hex');
}
