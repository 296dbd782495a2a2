/**
 * An ISO 8601 date or date-time, with an optional offset: `2025-06-01`, `2025-06-01T12:00:00Z`,
 * `2025-06-01T14:00:00+02:00`. A date-time without an offset is UTC, never the server's local time.
 */
export const INSTANT_PATTERN =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export const INSTANT_MESSAGE =
  '$property must be an ISO 8601 date or date-time, e.g. 2025-06-01 or 2025-06-01T12:00:00Z';

/** The instant a validated {@link INSTANT_PATTERN} string names. */
export function toInstant(text: string): Date {
  const hasTime = text.includes('T');
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(text);
  return new Date(hasTime && !hasOffset ? `${text}Z` : text);
}
