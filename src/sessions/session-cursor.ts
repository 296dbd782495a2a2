import { ValidationError } from '../common/errors/domain-error';

/** Where a page of sessions ended: the last session's creation time and id (newest first, id breaking ties). */
export interface SessionPosition {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A page cursor: `<created_at ms>.<id>`, base64url. Creation time never changes, so pages never shift. */
export function encodeSessionCursor(position: SessionPosition): string {
  return Buffer.from(`${position.createdAt.getTime()}.${position.id}`, 'utf8').toString(
    'base64url',
  );
}

export function decodeSessionCursor(cursor: string): SessionPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [ms, id, ...rest] = text.split('.');
  const createdAtMs = Number(ms);
  const valid =
    cursor !== '' &&
    Buffer.from(text, 'utf8').toString('base64url') === cursor &&
    rest.length === 0 &&
    /^\d{1,15}$/.test(ms) &&
    id !== undefined &&
    UUID.test(id);
  if (!valid) {
    throw new ValidationError('Invalid cursor', [
      { field: 'cursor', messages: ['cursor is not one this API issued'] },
    ]);
  }
  return { createdAt: new Date(createdAtMs), id };
}
