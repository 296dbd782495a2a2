import { foldText } from '../common/text/fold-text';
import unhomoglyph from 'unhomoglyph';

export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 64;

/** The mapping of {@link normalizeUsername} without the rules of a whole name: for a prefix to search by. */
export function canonicalForm(text: string): string {
  return foldUsername(text);
}

export type UsernameCheck = { ok: true; username: string } | { ok: false; reason: string };

/**
 * Refused in what is typed, before any mapping: controls, format characters (bidi overrides, zero-width
 * joiners, soft hyphen), line/paragraph separators, private use, unassigned code points, and every
 * default-ignorable code point — some of those are letters (U+3164 HANGUL FILLER, U+115F, U+FFA0) that render
 * as nothing, so a category test alone lets `admin` + U+3164 through.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}]/u;

/**
 * PRECIS IdentifierClass (RFC 8264 §4.2), which RFC 8265's UsernameCaseMapped profile builds on: letters,
 * digits, combining marks and printable ASCII. A single space may separate "userparts" (RFC 8265 §3.5).
 * Not allowed: other symbols and punctuation (emoji, U+00B7, U+30FB…), conjoining old Hangul jamo, and the
 * letter-like characters RFC 5892 lists as DISALLOWED exceptions (U+0640, U+07FA, U+302E/302F, U+3031–3035,
 * U+303B).
 */
const IDENTIFIER = /^[\p{Ll}\p{Lu}\p{Lo}\p{Lm}\p{Nd}\p{Mn}\p{Mc}\x21-\x7E ]*$/u;
const DISALLOWED_LETTERS =
  /[\u0640\u07FA\u3031-\u3035\u303B\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF]|\u302E|\u302F/u;

const LEGACY_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * The form names were stored in before these rules (NFKC, then lower case), or null where the rules of that
 * time refused the input: an account created then keeps logging in with what logged it in before.
 */
export function legacyUsername(input: string): string | null {
  if (!input.isWellFormed()) return null;
  const username = input.normalize('NFKC').toLowerCase();
  const length = [...username].length;
  const valid =
    length >= USERNAME_MIN_LENGTH &&
    length <= USERNAME_MAX_LENGTH &&
    !LEGACY_FORBIDDEN.test(username) &&
    username.trim() === username;
  return valid ? username : null;
}

/** The case- and width-insensitive form every stored username is in (see foldText). */
export const foldUsername = foldText;

/**
 * The canonical form of a username, following RFC 8265's UsernameCaseMapped profile, with full case folding
 * in place of its toLowerCase (stricter: `Straße` and `STRASSE` are one account). Length is counted in code
 * points of the canonical form.
 */
export function normalizeUsername(input: string): UsernameCheck {
  if (!input.isWellFormed() || INVISIBLE.test(input)) {
    return {
      ok: false,
      reason: 'must not contain control, bidirectional, invisible or unassigned characters',
    };
  }
  const username = foldUsername(input);
  const length = [...username].length;
  if (length < USERNAME_MIN_LENGTH || length > USERNAME_MAX_LENGTH) {
    return {
      ok: false,
      reason: `must be ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters`,
    };
  }
  if (username.trim() !== username || username.includes('  ')) {
    return { ok: false, reason: 'must not start or end with a space, or have two in a row' };
  }
  if (!IDENTIFIER.test(username) || DISALLOWED_LETTERS.test(username) || INVISIBLE.test(username)) {
    return {
      ok: false,
      reason: 'may contain letters, digits, combining marks and ASCII punctuation only',
    };
  }
  return { ok: true, username };
}

const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
/** A dot above on a soft-dotted letter replaces its own dot: `i` + U+0307 renders as `i`. */
const DOT_ON_SOFT_DOTTED = /(\p{Soft_Dotted})\u0307/gu;

/**
 * The UTS #39 skeleton (§4: NFD, drop default-ignorables, map every code point to its confusables.txt
 * prototype, NFD again) of a name's canonical form. Two names with the same skeleton look alike (`alice` and
 * Cyrillic `аlice`, `admin` and `admin` + U+3164, `ıstanbul` and `İstanbul`): the skeleton is the unique key.
 * Defined for any string, so a stored name that today's rules refuse still gets one.
 */
export function usernameSkeleton(username: string): string {
  const text = foldUsername(username.toWellFormed().replace(DEFAULT_IGNORABLE, ''))
    .normalize('NFD')
    .replace(DOT_ON_SOFT_DOTTED, '$1');
  // Every key of the package's table is one code point, so its replace is the per-code-point mapping.
  return unhomoglyph(text).normalize('NFD');
}
