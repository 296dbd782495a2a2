/**
 * What went wrong, in HTTP-independent terms. The one exception filter maps a kind to a status;
 * services never throw HttpException.
 */
export enum ErrorKind {
  Invalid = 'invalid',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  RateLimited = 'rate_limited',
  Unavailable = 'unavailable',
}

export interface FieldError {
  field: string;
  messages: string[];
}

export interface DomainErrorOptions {
  detail?: string;
  /** Seconds until a retry can succeed (429, 503). */
  retryAfterSeconds?: number;
  errors?: FieldError[];
  /** RFC 6750 `error` of the 401's WWW-Authenticate challenge, when a presented token was refused. */
  bearerError?: 'invalid_token' | 'invalid_request';
  /** RFC 9457 extension members, added to the body beside the standard ones (never overriding them). */
  extensions?: Record<string, unknown>;
}

/** Base of every error a service throws on purpose. `code` is stable and documented for clients. */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly title: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(`${code}: ${options.detail ?? title}`);
    this.name = new.target.name;
  }
}

/** A request that breaks a documented input rule. */
export class ValidationError extends DomainError {
  constructor(detail: string, errors?: FieldError[], code = 'VALIDATION_FAILED') {
    super(ErrorKind.Invalid, code, 'Request validation failed', { detail, errors });
  }
}
