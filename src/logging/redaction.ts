/**
 * Field names whose values never reach a log, at any depth pino is asked to log: credentials in headers
 * (pino-http logs `authorization`, `cookie` and `set-cookie` by default), password
 * fields of the request DTOs, and tokens in any spelling the code base uses.
 */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'current_password',
  'new_password',
  'passwordHash',
  'password_hash',
  'token',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'aegis_token',
  'aegis_refresh',
  'secret',
];

/** How deep a secret may sit in a logged object (`req.headers.cookie` is three levels). */
const MAX_DEPTH = 4;

function pathTo(field: string, depth: number): string {
  const parents = Array<string>(depth).fill('*').join('.');
  if (/^[A-Za-z_$][\w$]*$/.test(field)) return parents === '' ? field : `${parents}.${field}`;
  return `${parents}["${field}"]`;
}

/** pino `redact.paths`: every secret field at the top level and under up to MAX_DEPTH - 1 wildcards. */
export const REDACTED_PATHS: string[] = SECRET_FIELDS.flatMap((field) =>
  Array.from({ length: MAX_DEPTH }, (_, depth) => pathTo(field, depth)),
);

export const REDACTION_CENSOR = '[REDACTED]';
