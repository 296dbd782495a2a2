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
