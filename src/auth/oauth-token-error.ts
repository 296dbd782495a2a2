import type { ProblemDetails } from '../common/errors/problem-details';
import { AuthErrorCode } from './auth.error';

/** RFC 6749 §5.2 error response of a token endpoint. */
export interface OAuthTokenError {
  error:
    'invalid_request' | 'invalid_grant' | 'unsupported_grant_type' | 'slow_down' | 'mfa_required';
  error_description: string;
  /** With mfa_required: the challenge to answer at /auth/mfa/verify. */
  mfa_token?: string;
  methods?: string[];
  expires_in?: number;
}

interface MfaChallengeMembers {
  mfa_token: string;
  methods: string[];
  expires_in: number;
}

/** RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash, ASCII only). */
const NOT_DESCRIPTION_CHARACTER = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g;

const GRANT_REFUSED = new Set<string>([
  AuthErrorCode.InvalidCredentials,
  AuthErrorCode.AccountDisabled,
  AuthErrorCode.OneTimePasswordExpired,
]);

/** Slowed down: `slow_down` is the token endpoint's registered error for "ask again later" (RFC 8628 §3.5). */
const SLOWED_DOWN = new Set<string>([
  AuthErrorCode.LoginRateLimited,
  AuthErrorCode.AccountThrottled,
]);

/**
 * The OAuth2 form of a login refusal: a refused grant (wrong password, disabled account, expired one-time
 * password) is 400 `invalid_grant`, a malformed request 400 `invalid_request`, another grant type
 * `unsupported_grant_type`, a rate limit 429 `slow_down`, a right password that needs a second factor 400
 * `mfa_required` with the challenge (`mfa_token`, `methods`, `expires_in`). Anything else (cross-site, cookies, limits, outages)
 * is not the grant's business and stays problem+json: undefined.
 */
export function oauthTokenErrorOf(
  problem: ProblemDetails,
): { status: number; body: OAuthTokenError } | undefined {
  const description = (problem.detail ?? problem.title).replace(NOT_DESCRIPTION_CHARACTER, '?');
  const of = (status: number, error: OAuthTokenError['error']) => ({
    status,
    body: { error, error_description: description },
  });
  if (GRANT_REFUSED.has(problem.code)) return of(400, 'invalid_grant');
  if (problem.code === (AuthErrorCode.MfaRequired as string)) {
    // The password grant succeeded halfway: the challenge travels in the error, as MFA-capable token
    // endpoints answer it (RFC 6749 §5.2 leaves extension errors and members open).
    const { mfa_token, methods, expires_in } = problem as ProblemDetails & MfaChallengeMembers;
    return {
      status: 400,
      body: {
        error: 'mfa_required',
        error_description: description,
        mfa_token,
        methods,
        expires_in,
      },
    };
  }
  if (SLOWED_DOWN.has(problem.code)) return of(429, 'slow_down');
  if (problem.code === 'VALIDATION_FAILED') {
    const grantType = problem.errors?.some((field) => field.field === 'grant_type');
    return of(400, grantType ? 'unsupported_grant_type' : 'invalid_request');
  }
  return undefined;
}
