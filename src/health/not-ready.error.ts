import { DomainError, ErrorKind } from '../common/errors/domain-error';
import { DEPENDENCY_RETRY_AFTER_SECONDS } from '../common/errors/problem-details';

/** /health/ready failed: a dependency is down, or the instance is shutting down. */
export class NotReadyError extends DomainError {
  constructor(detail: string) {
    super(ErrorKind.Unavailable, 'NOT_READY', 'Not ready to serve requests', {
      detail,
      retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
    });
  }
}
