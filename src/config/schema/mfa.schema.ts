import { z } from 'zod';
import { Role } from '../../common/access/role';
import { duration, isProduction, list, raw, trimmed } from './env-fields';

/** AES-256 needs exactly 32 bytes: given as 64 hex digits or as base64 / base64url (`openssl rand -base64 32`). */
export function decodeEncryptionKey(text: string): Buffer | undefined {
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return undefined;
  const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === 32 ? key : undefined;
}

/**
 * Where the key that encrypts second-factor secrets comes from: MFA_ENCRYPTION_KEY, or (outside production, unset)
 * a key generated once into DATA_DIR/mfa-encryption-key by resolveDevelopmentSecrets (`pending` until then).
 */
export type MfaKeySource = 'env' | 'pending' | 'development-file';

const ROLES = Object.values(Role) as string[];

/** Multi-factor authentication: the secrets' encryption key, the roles that must use a second factor, reauthentication. */
export const mfaSchema = z
  .object({
    AEGIS_ENV: raw(),
    MFA_ENCRYPTION_KEY: raw(),
    MFA_REQUIRED_ROLES: list(
      (entry) => ROLES.includes(entry.toLowerCase()) || entry.toLowerCase() === 'none',
      `a role (${ROLES.join(', ')}) or none`,
    ),
    REAUTH_WINDOW: duration('5m', 10_000),
    JWT_SECRET: raw(),
    AUDIT_HMAC_KEY: raw(),
  })
  .superRefine((env, ctx) => {
    const problem = (message: string) =>
      ctx.addIssue({ code: 'custom', path: ['MFA_ENCRYPTION_KEY'], message });
    const key = trimmed(env.MFA_ENCRYPTION_KEY);
    if (key === undefined) {
      if (isProduction(env.AEGIS_ENV))
        problem(
          'is required when AEGIS_ENV=production (32 random bytes: `openssl rand -base64 32`)',
        );
      return;
    }
    // The message names the rule, never the value.
    if (decodeEncryptionKey(key) === undefined)
      problem('must be 32 bytes as 64 hex digits or base64 (`openssl rand -base64 32`)');
    else if (key === trimmed(env.JWT_SECRET) || key === trimmed(env.AUDIT_HMAC_KEY))
      problem('must differ from JWT_SECRET and AUDIT_HMAC_KEY');
  })
  .transform((env) => {
    const key = trimmed(env.MFA_ENCRYPTION_KEY);
    const decoded = key === undefined ? undefined : decodeEncryptionKey(key);
    const roles = env.MFA_REQUIRED_ROLES.map((role) => role.toLowerCase());
    const keySource = (key === undefined
      ? 'pending'
      : 'env') satisfies MfaKeySource as MfaKeySource;
    return {
      mfa: {
        /** 32 bytes; a throwaway placeholder while `keySource` is `pending` (or when the variable was refused). */
        encryptionKey: decoded ?? Buffer.alloc(32),
        keySource,
        /** Users of these roles must sign in with a second factor (a session without one is limited to enrolling). */
        requiredRoles: (roles.length > 0
          ? roles.filter((role) => role !== 'none')
          : isProduction(env.AEGIS_ENV)
            ? [Role.Admin]
            : []) as Role[],
        /** Enrolment and factor changes need a password or factor check at most this long ago. */
        reauthWindowMs: env.REAUTH_WINDOW,
      },
    };
  });
