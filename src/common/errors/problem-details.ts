import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { isDependencyUnavailable } from './dependency-failure';
import { DomainError, ErrorKind, type FieldError } from './domain-error';

/** RFC 9457 problem details, with a stable machine-readable `code` and the request id. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  request_id: string;
  errors?: FieldError[];
  /** Extension members of a particular problem (e.g. `mfa_token` of MFA_REQUIRED). */
  [extension: string]: unknown;
}

export interface Problem {
  body: ProblemDetails;
  headers: Record<string, string>;
}

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  [ErrorKind.Invalid]: HttpStatus.BAD_REQUEST,
  [ErrorKind.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  [ErrorKind.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorKind.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorKind.Conflict]: HttpStatus.CONFLICT,
  [ErrorKind.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorKind.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Client errors raised by the framework (routing, body parsing): generic wording, never library text. */
const GENERIC_CLIENT_ERRORS: Record<number, [code: string, title: string]> = {
  400: ['BAD_REQUEST', 'Malformed request'],
  401: ['UNAUTHENTICATED', 'Authentication required'],
  403: ['FORBIDDEN', 'Forbidden'],
  404: ['NOT_FOUND', 'Not found'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed'],
  406: ['NOT_ACCEPTABLE', 'Not acceptable'],
  411: ['LENGTH_REQUIRED', 'Length required'],
  413: ['PAYLOAD_TOO_LARGE', 'Request body too large'],
  408: ['REQUEST_TIMEOUT', 'Request not received in time'],
  414: ['URI_TOO_LONG', 'URI too long'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'],
  429: ['RATE_LIMITED', 'Too many requests'],
  431: ['REQUEST_HEADER_FIELDS_TOO_LARGE', 'Request headers too large'],
};

/** RFC 6750 §3: every 401 names the scheme; `error` only when a presented token was refused. */
export function wwwAuthenticate(bearerError?: string): string {
  return bearerError === undefined
    ? 'Bearer realm="aegis"'
    : `Bearer realm="aegis", error="${bearerError}"`;
}

const logger = new Logger('Errors');

/** When to try again after the database or Redis failed: long enough for a pool to reconnect. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

export function problemType(code: string): string {
  return `urn:aegis:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The problem body of a domain error: what the client reads (and what the OpenAPI examples show). */
export function problemBodyOf(error: DomainError, requestId: string): ProblemDetails {
  return {
    ...error.options.extensions,
    type: problemType(error.code),
    title: error.title,
    status: STATUS_BY_KIND[error.kind],
    code: error.code,
    ...(error.options.detail !== undefined && { detail: error.options.detail }),
    request_id: requestId,
    ...(error.options.errors !== undefined && { errors: error.options.errors }),
  };
}

/** Headers a domain error's response carries besides the ones every response has. */
export function problemHeadersOf(error: DomainError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error.options.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.options.retryAfterSeconds)));
  }
  if (error.kind === ErrorKind.Unauthenticated) {
    headers['www-authenticate'] = wwwAuthenticate(error.options.bearerError);
  }
  return headers;
}

/** A client error the framework raised (routing, parsing, limits): generic wording, never library text. */
export function frameworkProblem(status: number, requestId: string): ProblemDetails | undefined {
  const generic = GENERIC_CLIENT_ERRORS[status];
  if (generic === undefined) return undefined;
  const [code, title] = generic;
  return { type: problemType(code), title, status, code, request_id: requestId };
}

export function serviceUnavailableProblem(requestId: string): ProblemDetails {
  return {
    type: problemType('SERVICE_UNAVAILABLE'),
    title: 'Service temporarily unavailable, try again shortly',
    status: HttpStatus.SERVICE_UNAVAILABLE,
    code: 'SERVICE_UNAVAILABLE',
    request_id: requestId,
  };
}

export function internalErrorProblem(requestId: string): ProblemDetails {
  return {
    type: problemType('INTERNAL_ERROR'),
    title: 'Internal server error',
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'INTERNAL_ERROR',
    request_id: requestId,
  };
}

/**
 * Turns anything thrown while serving a request into a safe problem response.
 * Only DomainError text reaches the client; everything else is described generically.
 * The database or Redis being unreachable or too slow is a 503 with Retry-After (this is the one place that
 * decides it); other unexpected errors are logged here (with the request id) and answered with a bare 500.
 */
export function toProblem(error: unknown, requestId: string): Problem {
  if (error instanceof DomainError) {
    const body = problemBodyOf(error, requestId);
    if (body.status >= 500) logger.warn(`${error.code} (request ${requestId}): ${error.message}`);
    return { headers: problemHeadersOf(error), body };
  }

  if (isDependencyUnavailable(error)) {
    // Expected during an outage, and one per request: a warning with the driver's words, no stack.
    logger.warn(
      `Database or Redis unavailable (request ${requestId}): ${error instanceof Error ? error.message : String(error)}`,
    );
    return {
      headers: { 'retry-after': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
      body: serviceUnavailableProblem(requestId),
    };
  }

  const status = statusOf(error);
  const generic = status !== undefined ? frameworkProblem(status, requestId) : undefined;
  if (generic !== undefined) {
    return {
      headers: status === 401 ? { 'www-authenticate': wwwAuthenticate() } : {},
      body: generic,
    };
  }

  logger.error(
    `Unhandled error (request ${requestId})`,
    error instanceof Error ? error.stack : String(error),
  );
  return { headers: {}, body: internalErrorProblem(requestId) };
}
