import { DomainError, ErrorKind } from '../common/errors/domain-error';

/** How long a client should wait before retrying when the database could not take the request in time. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The request waited too long for its turn at the database (SQLite serialises transactions): answered as a
 * 503 with Retry-After, like an outage, instead of hanging the request.
 */
export class DatabaseBusyError extends DomainError {
  constructor() {
    super(
      ErrorKind.Unavailable,
      'SERVICE_UNAVAILABLE',
      'Service temporarily unavailable, try again shortly',
      {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      },
    );
  }
}
