import { caseFold } from 'unicode-case-folding';
import unhomoglyph from 'unhomoglyph';

/**
 * Version 1 of the username skeleton (NFKC + full case folding, then UTS #39), frozen for the migration that
 * fills `users.username_skeleton`: a migration must give the same result forever, so it never imports the
 * live code. A test vector pins this copy and the live one (src/users/username.ts) to the same skeletons.
 */
const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const DOT_ON_SOFT_DOTTED = /(\p{Soft_Dotted})\u0307/gu;

function foldV1(input: string): string {
  const once = caseFold(input.normalize('NFKC')).normalize('NFKC');
  return caseFold(once).normalize('NFKC');
}

export function usernameSkeletonV1(username: string): string {
  const text = foldV1(username.toWellFormed().replace(DEFAULT_IGNORABLE, ''))
    .normalize('NFD')
    .replace(DOT_ON_SOFT_DOTTED, '$1');
  return unhomoglyph(text).normalize('NFD');
}
