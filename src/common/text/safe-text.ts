/**
 * Characters that must never reach a log pipeline or a terminal raw, whatever text users or clients sent:
 * C0 and C1 controls and DEL (terminal escape sequences, NEL as a line break), format characters (bidi
 * overrides and isolates, zero-width characters, soft hyphen), U+2028/U+2029 (line breaks to JavaScript and
 * to many JSON-lines readers), lone surrogates, private-use and unassigned code points, other
 * default-ignorable code points (U+3164 HANGUL FILLER renders as nothing) and non-ASCII spaces.
 */
const UNSAFE_CHARS = String.raw`\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000`;
const UNSAFE = new RegExp(`[${UNSAFE_CHARS}]`, 'gu');
const UNSAFE_BUT_TAB_OR_NEWLINE = new RegExp(`(?![\\t\\n])[${UNSAFE_CHARS}]`, 'gu');

const hex4 = (unit: number) => unit.toString(16).toUpperCase().padStart(4, '0');

/** JSON `\uXXXX` escapes (UTF-16 units, so a code point beyond U+FFFF becomes its surrogate pair). */
function jsonEscape(char: string): string {
  let escaped = '';
  for (let i = 0; i < char.length; i++) escaped += `\\u${hex4(char.charCodeAt(i))}`;
  return escaped;
}

/**
 * JSON text (from JSON.stringify) with every unsafe character escaped, so each line of an NDJSON stream is
 * exactly one record for any reader: it parses to the same value, and no raw separator, control or bidi
 * character is left to split the line, stop a strict reader or reorder what a terminal shows. JSON.stringify
 * has already escaped C0 controls and lone surrogates; this adds the rest.
 */
export function lineSafeJson(json: string): string {
  return json.replace(UNSAFE, jsonEscape);
}

/** A visible `\u{XXXX}` for each code point in `pattern` (for terminals, where JSON escapes mean nothing). */
function visible(text: string, pattern: RegExp): string {
  return text.replace(pattern, (char) => `\\u{${hex4(char.codePointAt(0)!)}}`);
}

/**
 * A line for a terminal: unsafe characters shown as `\u{XXXX}`. Tabs and newlines stay: the CLI's own
 * output uses them, and names and other stored values cannot contain them.
 */
export function terminalSafe(line: string): string {
  return visible(line, UNSAFE_BUT_TAB_OR_NEWLINE);
}

/** Every character outside printable ASCII as `\u{XXXX}`: tells look-alike names apart on any terminal. */
export function asciiOnly(text: string): string {
  return visible(text, /[^\x20-\x7E]/gu);
}
