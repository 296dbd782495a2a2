import { DomainError, ErrorKind, type DomainErrorOptions } from '../../common/errors/domain-error';

/**
 * Refusals of an answer given while signing in (the second step's code or passkey, a passwordless passkey, a
 * reauthentication): the login decides what a wrong answer costs and says so with these codes.
 */
export enum LoginStepErrorCode {
  ChallengeExpired = 'MFA_CHALLENGE_EXPIRED',
  CodeInvalid = 'MFA_CODE_INVALID',
  CodeReused = 'MFA_CODE_REUSED',
  MethodNotEnrolled = 'MFA_METHOD_NOT_ENROLLED',
  WebAuthnChallengeInvalid = 'WEBAUTHN_CHALLENGE_INVALID',
  WebAuthnResponseInvalid = 'WEBAUTHN_RESPONSE_INVALID',
  PasskeyCounterRewound = 'PASSKEY_COUNTER_REWOUND',
}

const CATALOGUE: Record<LoginStepErrorCode, [ErrorKind, string]> = {
  [LoginStepErrorCode.ChallengeExpired]: [
    ErrorKind.Unauthenticated,
    'This sign-in challenge has expired or was used up: sign in with your password again',
  ],
  [LoginStepErrorCode.CodeInvalid]: [ErrorKind.Unauthenticated, 'Incorrect code'],
  [LoginStepErrorCode.CodeReused]: [
    ErrorKind.Unauthenticated,
    'This code was already used: wait for the next one',
  ],
  [LoginStepErrorCode.MethodNotEnrolled]: [
    ErrorKind.Unauthenticated,
    'This method is not enrolled for the account',
  ],
  [LoginStepErrorCode.WebAuthnChallengeInvalid]: [
    ErrorKind.Unauthenticated,
    'This passkey request has expired or was already answered: ask for new options',
  ],
  [LoginStepErrorCode.WebAuthnResponseInvalid]: [
    ErrorKind.Unauthenticated,
    "The passkey's answer could not be verified",
  ],
  [LoginStepErrorCode.PasskeyCounterRewound]: [
    ErrorKind.Unauthenticated,
    "This passkey's signature counter went backwards (a copied key?): it was refused and the event recorded",
  ],
};

/** A refused answer while signing in; the filter maps kind → status. */
export class LoginStepError extends DomainError {
  constructor(code: LoginStepErrorCode, options?: DomainErrorOptions) {
    const [kind, title] = CATALOGUE[code];
    super(kind, code, title, options);
  }
}
