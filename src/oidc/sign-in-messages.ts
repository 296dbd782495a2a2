import { LoginStepErrorCode } from '../auth/login/login-step.error';
import { AuthErrorCode } from '../auth/auth.error';
import type { DomainError } from '../common/errors/domain-error';

/** What the sign-in form says after a failed attempt: what happened and what to do, never more than /auth/login says. */
export function signInErrorMessage(error: DomainError | 'missing_fields'): {
  message: string;
  status: number;
} {
  if (error === 'missing_fields')
    return { message: 'Enter your username and your password.', status: 400 };
  switch (error.code as AuthErrorCode) {
    case AuthErrorCode.InvalidCredentials:
      return {
        message: 'The username or password is incorrect. Check both and try again.',
        status: 401,
      };
    case AuthErrorCode.AccountThrottled: {
      const minutes = Math.max(1, Math.ceil((error.options.retryAfterSeconds ?? 60) / 60));
      return {
        message: `Too many failed attempts for this account. Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then try again.`,
        status: 429,
      };
    }
    case AuthErrorCode.AccountDisabled:
      return {
        message: 'This account is disabled. Ask an administrator to enable it.',
        status: 403,
      };
    case AuthErrorCode.OneTimePasswordExpired:
      return {
        message: 'This one-time password has expired. Ask an administrator for a new one.',
        status: 401,
      };
    default:
      return { message: 'Signing in failed. Try again.', status: 400 };
  }
}

/** What the second step says after a refused code or passkey: what happened and what to do. */
export function codeErrorMessage(error: DomainError | 'missing_code' | 'missing_passkey'): {
  message: string;
  status: number;
} {
  if (error === 'missing_code')
    return {
      message: 'Enter the code from your authenticator app, or a recovery code.',
      status: 400,
    };
  if (error === 'missing_passkey')
    return {
      message:
        'Your browser sent no usable passkey answer. Use your passkey again, or enter a code.',
      status: 400,
    };
  switch (error.code as LoginStepErrorCode | AuthErrorCode) {
    case LoginStepErrorCode.CodeInvalid:
      return {
        message:
          'That code is not right. Enter the code your app shows now, or one of your recovery codes.',
        status: 401,
      };
    case LoginStepErrorCode.CodeReused:
      return {
        message: 'That code was already used. Wait for your app to show a new one, then enter it.',
        status: 401,
      };
    case LoginStepErrorCode.MethodNotEnrolled:
      return {
        message:
          'Your account has no authenticator app for this kind of code. Enter one of your recovery codes.',
        status: 401,
      };
    case LoginStepErrorCode.WebAuthnChallengeInvalid:
    case LoginStepErrorCode.WebAuthnResponseInvalid:
      return {
        message:
          'Your passkey was not accepted: use a passkey you added to this account, on this site. Try again, or enter a code.',
        status: 401,
      };
    case LoginStepErrorCode.PasskeyCounterRewound:
      return {
        message:
          'This passkey answered like a copy of itself, so it was refused. Use another passkey or a code, and tell your administrator.',
        status: 401,
      };
    case AuthErrorCode.AccountThrottled:
      return signInErrorMessage(error);
    default:
      return { message: 'Checking the code failed. Try again.', status: 400 };
  }
}

/** Over the per-IP limit: nothing was checked. */
export function rateLimitedMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many sign-in attempts from your network. Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then try again.`;
}
