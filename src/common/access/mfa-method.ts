/**
 * The kinds of answer a user can give to the second step of a login (shown in MFA_REQUIRED as `methods`): the
 * login, the second-factor checks and the hosted pages speak of them, so they live with the rest of the
 * authentication vocabulary.
 */
export enum MfaMethod {
  Totp = 'totp',
  WebAuthn = 'webauthn',
  RecoveryCode = 'recovery_code',
}

/** The methods answered with a typed code. */
export type CodeMethod = MfaMethod.Totp | MfaMethod.RecoveryCode;
