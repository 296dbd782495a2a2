import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { validateBody } from '../../common/http/validation';
import { AuthenticationCredentialDto } from '../../mfa/dto/webauthn-credential.dto';

/** Longest passkey answer accepted as form text (an assertion is about one kilobyte; ML-DSA signatures ~3–6). */
const PASSKEY_ANSWER_MAX_LENGTH = 12_288;

/**
 * A passkey answer sent as form text (the hosted sign-in's passkey button): JSON of the shape POST
 * /auth/mfa/verify takes, checked by the same rules, or null when it is not one.
 */
export async function readPasskeyAnswer(
  field: unknown,
): Promise<AuthenticationResponseJSON | null> {
  if (typeof field !== 'string' || field.length > PASSKEY_ANSWER_MAX_LENGTH) return null;
  try {
    const parsed: unknown = JSON.parse(field);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    return await validateBody(AuthenticationCredentialDto, parsed);
  } catch {
    return null;
  }
}
