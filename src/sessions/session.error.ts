import { DomainError, ErrorKind } from '../common/errors/domain-error';

export enum SessionErrorCode {
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  SessionExpired = 'SESSION_EXPIRED',
  SessionRevoked = 'SESSION_REVOKED',
  RefreshTokenReused = 'REFRESH_TOKEN_REUSED',
}

const TITLES: Record<SessionErrorCode, string> = {
  [SessionErrorCode.InvalidRefreshToken]: 'Invalid refresh token',
  [SessionErrorCode.SessionExpired]: 'Session expired, please log in again',
  [SessionErrorCode.SessionRevoked]: 'Session ended, please log in again',
  [SessionErrorCode.RefreshTokenReused]: 'Refresh token already used; the session has been ended',
};

/** Every session error means "log in again": 401. */
export class SessionError extends DomainError {
  constructor(code: SessionErrorCode) {
    super(ErrorKind.Unauthenticated, code, TITLES[code]);
  }
}

/**
 * A session id that is not one of the live sessions asked about (the caller's own, or those of the user an
 * administrator names); someone else's answers the same: 404. The one owner of SESSION_NOT_FOUND.
 */
export class SessionNotFoundError extends DomainError {
  constructor(detail?: string) {
    super(ErrorKind.NotFound, 'SESSION_NOT_FOUND', 'Session not found', { detail });
  }
}
