/** Control, format (bidi overrides, zero-width joiners) and line/paragraph separator characters. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 64;

/** NFKC then lower case, without the rules of a whole name: for a prefix to search by. */
export function canonicalForm(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export type UsernameCheck = { ok: true; username: string } | { ok: false; reason: string };

/**
 * The canonical form of a username: NFKC then lower case, so `Alice`, `ＡＬＩＣＥ` and `alice` are one account.
 * Length is counted in code points of the canonical form.
 */
export function normalizeUsername(input: string): UsernameCheck {
  const username = canonicalForm(input);
  const length = [...username].length;
  if (length < USERNAME_MIN_LENGTH || length > USERNAME_MAX_LENGTH) {
    return {
      ok: false,
      reason: `must be ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters`,
    };
  }
  if (FORBIDDEN.test(username)) {
    return {
      ok: false,
      reason: 'must not contain control, bidirectional or invisible formatting characters',
    };
  }
  if (username.trim() !== username) {
    return { ok: false, reason: 'must not start or end with whitespace' };
  }
  return { ok: true, username };
}
