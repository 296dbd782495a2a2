import type { IssuedChallenge } from './login-challenge/login-challenges.service';
import { MfaMethod } from '../../common/access/mfa-method';
import { AuthError, AuthErrorCode } from '../auth.error';
import { MfaRequiredDto } from '../dto/mfa-required.dto';

/**
 * 401 MFA_REQUIRED: the right password of a user with a second factor. The body carries the challenge, and
 * the same answer in RFC 6749 terms (`error: mfa_required`) for clients of the OAuth2 password form.
 */
export function mfaRequiredError(challenge: IssuedChallenge, methods: MfaMethod[]): AuthError {
  return new AuthError(AuthErrorCode.MfaRequired, {
    extensions: {
      mfa_token: challenge.token,
      methods,
      expires_in: challenge.expiresInSeconds,
      error: 'mfa_required',
      error_description: 'A second factor is required',
    },
  });
}

/** MFA_REQUIRED as the OpenAPI document shows it (a made-up token, built by the same function). */
export const MFA_REQUIRED_PROBLEM = {
  error: mfaRequiredError(
    { token: 'q3HkRk0Xf6cY1m3n9Jm0xQy2fW0b8sVv4oE7pL5tZ1A', expiresInSeconds: 300 },
    [MfaMethod.Totp, MfaMethod.RecoveryCode],
  ),
  schema: MfaRequiredDto,
};
