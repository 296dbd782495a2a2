import { AuditAction } from '../../audit/audit-action';
import type { AuditDetails } from '../../audit/entities/audit-event.entity';
import type { AuthMethod } from '../../common/access/authentication-method';
import { MfaMethod } from '../../common/access/mfa-method';
import { LoginStepErrorCode } from './login-step.error';

/** A factor's verdict on a login challenge, whatever the kind of factor. */
export type FactorVerdict =
  | { ok: true; amr: AuthMethod[]; recoveryCodesLeft?: number }
  | { ok: false; reason: string; details?: AuditDetails };

const REFUSAL_CODES: Record<string, LoginStepErrorCode> = {
  reused: LoginStepErrorCode.CodeReused,
  not_enrolled: LoginStepErrorCode.MethodNotEnrolled,
  challenge_invalid: LoginStepErrorCode.WebAuthnChallengeInvalid,
  unknown_credential: LoginStepErrorCode.WebAuthnResponseInvalid,
  counter_rewound: LoginStepErrorCode.PasskeyCounterRewound,
};

/** The audit action and error of a refused answer. */
export function factorRefusal(
  method: MfaMethod,
  reason: string,
): { action: AuditAction; code: LoginStepErrorCode } {
  return {
    action: reason === 'reused' ? AuditAction.MfaCodeReused : AuditAction.MfaFailed,
    code:
      REFUSAL_CODES[reason] ??
      (method === MfaMethod.WebAuthn
        ? LoginStepErrorCode.WebAuthnResponseInvalid
        : LoginStepErrorCode.CodeInvalid),
  };
}
