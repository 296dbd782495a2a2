/**
 * Recognises errors that mean "the database or Redis cannot be reached or did not answer in time", as
 * opposed to a bug. Only these become 503 + Retry-After; anything else stays a 500. The lists are explicit
 * on purpose: a TypeError or a SQL syntax error must never pass for an outage.
 */

/** Socket-level failures, as Node reports them on the error's `code`. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** PostgreSQL SQLSTATEs: connection exceptions, shutdown, statement timeout, too many connections. */
const POSTGRES_UNAVAILABLE = /^(08...|57P0[123]|57014|53300)$/;

/** SQLite's lock wait ran out (another process held the write lock for longer than the busy timeout). */
const SQLITE_UNAVAILABLE = new Set(['SQLITE_BUSY']);

/** Failures that node-postgres and ioredis report without a code, by their exact wording. */
const UNAVAILABLE_MESSAGES = [
  // node-postgres (pg, pg-pool)
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^timeout exceeded when trying to connect$/,
  /^Query read timeout$/,
  /^Client has encountered a connection error and is not queryable$/,
  // ioredis
  /^Command timed out$/,
  /^Connection is closed\.$/,
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Reached the max retries per request limit/,
];

const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError']);

/** How deep to follow `driverError` / `cause` chains (TypeORM wraps driver errors once or twice). */
const MAX_DEPTH = 4;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || typeof error !== 'object' || error === null) return false;
  const { name, message, code, driverError, cause } = error as ErrorLike;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLITE_UNAVAILABLE.has(code)) return true;
    if (POSTGRES_UNAVAILABLE.test(code)) return true;
  }
  if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message)))
    return true;
  // AggregateError (a host with several addresses, all refused) carries the real errors in `errors`.
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.some((inner) => isDependencyUnavailable(inner, depth + 1)))
    return true;
  return (
    isDependencyUnavailable(driverError, depth + 1) || isDependencyUnavailable(cause, depth + 1)
  );
}
