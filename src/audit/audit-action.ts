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
  PasswordReset = 'PASSWORD_RESET',
  UserCreated = 'USER_CREATED',
  UserUpdated = 'USER_UPDATED',
  UserDisabled = 'USER_DISABLED',
  UserEnabled = 'USER_ENABLED',
  RoleChanged = 'ROLE_CHANGED',
  AccessDenied = 'ACCESS_DENIED',
  AuditPurged = 'AUDIT_PURGED',
}
