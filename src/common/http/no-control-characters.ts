import { Matches } from 'class-validator';

/**
 * Free-text query inputs must not carry control characters: PostgreSQL refuses a NUL byte in text outright
 * (error 22021), which would otherwise surface as a 500 instead of a 400.
 */
export const NoControlCharacters = () =>
  Matches(/^[^\p{Cc}]*$/u, { message: '$property must not contain control characters' });
