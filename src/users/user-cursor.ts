import { ValidationError } from '../common/errors/domain-error';
import { legacyUsername, normalizeUsername } from './username';

/** A page cursor: the last username of the page, base64url. */
export function encodeCursor(username: string): string {
  return Buffer.from(username, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const username = Buffer.from(cursor, 'base64url').toString('utf8');
  const stored = normalizeUsername(username).ok || legacyUsername(username) === username;
  if (cursor === '' || encodeCursor(username) !== cursor || !stored) {
    throw new ValidationError('Invalid cursor', [
      { field: 'cursor', messages: ['cursor is not one this API issued'] },
    ]);
  }
  return username;
}
