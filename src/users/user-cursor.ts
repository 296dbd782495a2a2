import { ValidationError } from '../common/errors/domain-error';
import { normalizeUsername } from './username';

/** The cursor of a page of users: the last username, opaque to clients. */
export function encodeCursor(username: string): string {
  return Buffer.from(username, 'utf8').toString('base64url');
}

/** The username a cursor stands for; a cursor this API did not issue is a 400. */
export function decodeCursor(cursor: string): string {
  const username = Buffer.from(cursor, 'base64url').toString('utf8');
  if (cursor === '' || encodeCursor(username) !== cursor || !normalizeUsername(username).ok) {
    throw new ValidationError('Invalid cursor', [
      { field: 'cursor', messages: ['cursor is not one this API issued'] },
    ]);
  }
  return username;
}
