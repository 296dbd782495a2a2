import { DomainError, ErrorKind, type DomainErrorOptions } from '../common/errors/domain-error';

export enum MfaErrorCode {
  FactorNotFound = 'MFA_FACTOR_NOT_FOUND',
  TotpAlreadyEnrolled = 'TOTP_ALREADY_ENROLLED',
  NotEnrolled = 'MFA_NOT_ENROLLED',
  EnrolmentCodeInvalid = 'MFA_ENROLMENT_CODE_INVALID',
  WebAuthnRegistrationInvalid = 'WEBAUTHN_REGISTRATION_INVALID',
  CredentialAlreadyRegistered = 'WEBAUTHN_CREDENTIAL_EXISTS',
}

const CATALOGUE: Record<MfaErrorCode, [ErrorKind, string]> = {
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
  [MfaErrorCode.WebAuthnRegistrationInvalid]: [
    ErrorKind.Invalid,
    'The new passkey could not be verified (expired or used request, another site, or a malformed answer): start again',
  ],
  [MfaErrorCode.CredentialAlreadyRegistered]: [
    ErrorKind.Conflict,
    'This passkey is already registered',
  ],
};

/** Failures of second-factor enrolment and verification; the filter maps kind → status. */
export class MfaError extends DomainError {
  constructor(code: MfaErrorCode, options?: DomainErrorOptions) {
    const [kind, title] = CATALOGUE[code];
    super(kind, code, title, options);
  }
}
