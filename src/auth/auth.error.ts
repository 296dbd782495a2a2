import { DomainError, ErrorKind, type DomainErrorOptions } from '../common/errors/domain-error';

export enum AuthErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  AccountDisabled = 'ACCOUNT_DISABLED',
  LoginRateLimited = 'LOGIN_RATE_LIMITED',
  AccountThrottled = 'ACCOUNT_THROTTLED',
  Unauthenticated = 'UNAUTHENTICATED',
  InvalidToken = 'INVALID_TOKEN',
  TokenExpired = 'TOKEN_EXPIRED',
  SessionEnded = 'SESSION_ENDED',
  PasswordChangeRequired = 'PASSWORD_CHANGE_REQUIRED',
  InsufficientRole = 'INSUFFICIENT_ROLE',
  WrongCurrentPassword = 'WRONG_CURRENT_PASSWORD',
  PasswordUnchanged = 'PASSWORD_UNCHANGED',
  CrossOriginRejected = 'CSRF_REJECTED',
  AmbiguousCookies = 'AMBIGUOUS_COOKIES',
  OneTimePasswordExpired = 'ONE_TIME_PASSWORD_EXPIRED',
  CookieSessionMismatch = 'COOKIE_SESSION_MISMATCH',
  MfaRequired = 'MFA_REQUIRED',
  MfaEnrolmentRequired = 'MFA_ENROLMENT_REQUIRED',
  ReauthenticationRequired = 'REAUTHENTICATION_REQUIRED',
}

const CATALOGUE: Record<AuthErrorCode, [ErrorKind, string]> = {
  [AuthErrorCode.InvalidCredentials]: [ErrorKind.Unauthenticated, 'Incorrect username or password'],
  [AuthErrorCode.AccountDisabled]: [
    ErrorKind.Forbidden,
    'Account is disabled. Contact an administrator.',
  ],
  [AuthErrorCode.LoginRateLimited]: [
    ErrorKind.RateLimited,
    'Too many login attempts, try again later',
  ],
  [AuthErrorCode.AccountThrottled]: [
    ErrorKind.RateLimited,
    'Too many failed password attempts for this account, try again later',
  ],
  [AuthErrorCode.Unauthenticated]: [ErrorKind.Unauthenticated, 'Authentication required'],
  [AuthErrorCode.InvalidToken]: [ErrorKind.Unauthenticated, 'Invalid access token'],
  [AuthErrorCode.TokenExpired]: [ErrorKind.Unauthenticated, 'Access token expired'],
  [AuthErrorCode.SessionEnded]: [
    ErrorKind.Unauthenticated,
    'Session has ended, please log in again',
  ],
  [AuthErrorCode.PasswordChangeRequired]: [ErrorKind.Forbidden, 'Password change required'],
  [AuthErrorCode.InsufficientRole]: [ErrorKind.Forbidden, 'Insufficient role'],
  [AuthErrorCode.WrongCurrentPassword]: [ErrorKind.Invalid, 'Current password is incorrect'],
  [AuthErrorCode.PasswordUnchanged]: [
    ErrorKind.Invalid,
    'New password must differ from the current one',
  ],
  [AuthErrorCode.CrossOriginRejected]: [ErrorKind.Forbidden, 'Cross-origin request rejected'],
  [AuthErrorCode.OneTimePasswordExpired]: [
    ErrorKind.Unauthenticated,
    'This one-time password has expired: ask an administrator to reset the password again',
  ],
  [AuthErrorCode.AmbiguousCookies]: [
    ErrorKind.Unauthenticated,
    'An Aegis cookie was sent twice (another site set one); they were cleared, please log in again',
  ],
  [AuthErrorCode.CookieSessionMismatch]: [
    ErrorKind.Unauthenticated,
    'The refresh cookie belongs to another session than the access cookie; they were cleared, please log in again',
  ],
  [AuthErrorCode.MfaRequired]: [
    ErrorKind.Unauthenticated,
    'A second factor is required: answer the challenge at /auth/mfa/verify',
  ],
  [AuthErrorCode.MfaEnrolmentRequired]: [
    ErrorKind.Forbidden,
    'Your role requires a second factor: enrol one at /auth/mfa first',
  ],
  [AuthErrorCode.ReauthenticationRequired]: [
    ErrorKind.Forbidden,
    'Confirm it is you: POST /auth/reauthenticate with your password or a second factor',
  ],
};

/** A bearer token was presented and refused: RFC 6750 `invalid_token` in the WWW-Authenticate challenge. */
const REFUSED_TOKEN = new Set<AuthErrorCode>([
  AuthErrorCode.InvalidToken,
  AuthErrorCode.TokenExpired,
  AuthErrorCode.SessionEnded,
]);

/** Authentication and authorisation failures (Twenty's AuthException pattern); the filter maps kind → status. */
export class AuthError extends DomainError {
  constructor(code: AuthErrorCode, options?: DomainErrorOptions) {
    const [kind, title] = CATALOGUE[code];
    super(kind, code, title, {
      ...(REFUSED_TOKEN.has(code) && { bearerError: 'invalid_token' as const }),
      ...options,
    });
  }
}
