import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * A refresh token is `<session id>.<256 random bits, base64url>`: opaque to clients, found by primary key,
 * and stored only as its SHA-256 (a fast hash is right for a high-entropy secret).
 */
export interface RefreshToken {
  token: string;
  hash: string;
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newRefreshToken(sessionId: string): RefreshToken {
  const token = `${sessionId}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashRefreshToken(token) };
}

/** The session a well-formed token names, or null for anything malformed. */
export function sessionIdOfRefreshToken(token: string): string | null {
  const [sessionId, secret, ...rest] = token.split('.');
  return rest.length === 0 && UUID.test(sessionId) && secret !== undefined && SECRET.test(secret)
    ? sessionId
    : null;
}

export function sameHash(a: string | null, b: string): boolean {
  return a !== null && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
