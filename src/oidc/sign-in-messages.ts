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
