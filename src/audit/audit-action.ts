/** The catalogue of audited actions. Documented in the README; add new ones here only. */
export enum AuditAction {
  LoginSuccess = 'LOGIN_SUCCESS',
  LoginFailed = 'LOGIN_FAILED',
  Logout = 'LOGOUT',
  TokenRefreshed = 'TOKEN_REFRESHED',
  RefreshTokenReused = 'REFRESH_TOKEN_REUSED',
  SessionRevoked = 'SESSION_REVOKED',
  PasswordChanged = 'PASSWORD_CHANGED',
  PasswordChangeFailed = 'PASSWORD_CHANGE_FAILED',
  UserCreated = 'USER_CREATED',
}
