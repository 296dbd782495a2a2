import { caseFold } from 'unicode-case-folding';

/**
 * Compatibility mapping (NFKC: also the width mapping of RFC 8265), then full Unicode case folding (status C
 * and F of CaseFolding.txt, never the Turkic T: `İ` → `i̇` and `I` → `i` whatever the locale, `ß` → `ss`,
 * `ς` → `σ`), applied twice so the result is a fixed point, then NFC (which NFKC output already is). Usernames
 * are stored in this form; features that cannot import users (the audit log) fold a name given to them with it.
 */
export function foldText(input: string): string {
  const once = caseFold(input.normalize('NFKC')).normalize('NFKC');
  return caseFold(once).normalize('NFKC');
}
