/** PostgreSQL's SQLSTATE for unique_violation. */
const POSTGRES_UNIQUE_VIOLATION = '23505';
/** better-sqlite3's extended result codes for a UNIQUE or PRIMARY KEY constraint. */
const SQLITE_UNIQUE_VIOLATIONS = new Set([
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

/**
 * Whether a failed write broke a unique index or primary key, read from the driver's error code (TypeORM's
 * QueryFailedError copies it, and keeps the driver's error as `driverError`). Never from the message text: that
 * depends on the driver, its version and the server's language, and a value in the message could match too.
 */
export function isUniqueViolation(error: unknown): boolean {
  const driverError =
    typeof error === 'object' && error !== null
      ? (error as { driverError?: unknown }).driverError
      : undefined;
  return [codeOf(error), codeOf(driverError)].some(
    (code) => code === POSTGRES_UNIQUE_VIOLATION || SQLITE_UNIQUE_VIOLATIONS.has(code as string),
  );
}
