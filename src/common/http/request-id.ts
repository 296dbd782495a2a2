import { randomUUID } from 'node:crypto';

/**
 * The server's own id of every request: the `X-Request-Id` response header, the `request_id` of problem
 * bodies, log lines and audit rows. Never taken from the client, so no client can make two audit events
 * share an id or point one at another's (a client's own id is kept apart: {@link clientRequestIdOf}).
 */
export function requestIdFor(): string {
  return randomUUID();
}

const MAX_CLIENT_REQUEST_ID = 128;
const NOT_TOKEN_CHARACTER = /[^\x21-\x7E]/g;

/**
 * A client's `X-Request-Id` (a tracing id from a proxy or an SPA), for correlation only: printable ASCII
 * without spaces, at most 128 characters, or null when nothing of it is left.
 */
export function clientRequestIdOf(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return null;
  const id = value.replace(NOT_TOKEN_CHARACTER, '').slice(0, MAX_CLIENT_REQUEST_ID);
  return id === '' ? null : id;
}
