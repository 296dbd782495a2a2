import { DomainError, ErrorKind, type DomainErrorOptions } from '../common/errors/domain-error';

export enum MfaErrorCode {
  ChallengeExpired = 'MFA_CHALLENGE_EXPIRED',
  CodeInvalid = 'MFA_CODE_INVALID',
  CodeReused = 'MFA_CODE_REUSED',
  MethodNotEnrolled = 'MFA_METHOD_NOT_ENROLLED',
  FactorNotFound = 'MFA_FACTOR_NOT_FOUND',
  TotpAlreadyEnrolled = 'TOTP_ALREADY_ENROLLED',
  NotEnrolled = 'MFA_NOT_ENROLLED',
  EnrolmentCodeInvalid = 'MFA_ENROLMENT_CODE_INVALID',
}

const CATALOGUE: Record<MfaErrorCode, [ErrorKind, string]> = {
  [MfaErrorCode.ChallengeExpired]: [
    ErrorKind.Unauthenticated,
    'This sign-in challenge has expired or was used up: sign in with your password again',
  ],
  [MfaErrorCode.CodeInvalid]: [ErrorKind.Unauthenticated, 'Incorrect code'],
  [MfaErrorCode.CodeReused]: [
    ErrorKind.Unauthenticated,
    'This code was already used: wait for the next one',
  ],
  [MfaErrorCode.MethodNotEnrolled]: [
    ErrorKind.Unauthenticated,
    'This method is not enrolled for the account',
  ],
  [MfaErrorCode.FactorNotFound]: [ErrorKind.NotFound, 'Factor not found'],
  [MfaErrorCode.TotpAlreadyEnrolled]: [
    ErrorKind.Conflict,
    'An authenticator app is already enrolled: remove it first',
  ],
  [MfaErrorCode.NotEnrolled]: [
    ErrorKind.Conflict,
    'No second factor is enrolled: recovery codes come with the first one',
  ],
  [MfaErrorCode.EnrolmentCodeInvalid]: [
    ErrorKind.Invalid,
    'The code does not match this secret: check the authenticator app and its clock',
  ],
};

/** Failures of second-factor enrolment and verification; the filter maps kind → status. */
export class MfaError extends DomainError {
  constructor(code: MfaErrorCode, options?: DomainErrorOptions) {
    const [kind, title] = CATALOGUE[code];
    super(kind, code, title, options);
  }
}
