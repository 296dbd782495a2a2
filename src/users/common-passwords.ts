import { dictionary } from '@zxcvbn-ts/language-common';

let commonPasswords: Set<string> | undefined;

/**
 * The zxcvbn-ts list of ~49,000 common and breached passwords, bundled with the package (no network at run time).
 * Loaded once, on first use.
 */
export function isCommonPassword(normalizedLowerCase: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return commonPasswords.has(normalizedLowerCase);
}

export function commonPasswordCount(): number {
  isCommonPassword('');
  return commonPasswords!.size;
}
