import { z } from 'zod';
import { duration, isProduction, list, raw, trimmed } from './env-fields';
import { decodeEncryptionKey } from './mfa.schema';

/**
 * Where the key that encrypts the OpenID provider's signing keys comes from: OIDC_ENCRYPTION_KEY, or (outside
 * production, unset) a key generated once into DATA_DIR/oidc-encryption-key by resolveDevelopmentSecrets.
 */
export type OidcKeySource = 'env' | 'pending' | 'development-file';

/** Typed as the whole union: resolveDevelopmentSecrets later sets `development-file`. */
function keySourceOf(key: string | undefined): OidcKeySource {
  return key === undefined ? 'pending' : 'env';
}

function isResourceUri(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hash === '';
  } catch {
    return false;
  }
}

/** The OpenID Connect provider: the key protecting its signing keys at rest, the APIs it issues tokens for. */
export const oidcSchema = z
  .object({
    AEGIS_ENV: raw(),
    OIDC_ENCRYPTION_KEY: raw(),
    OIDC_RESOURCES: list(isResourceUri, 'an absolute http(s) URL without a fragment'),
    OIDC_RESOURCE_SCOPES: z.string().optional(),
    OIDC_LOGOUT_SWEEP_INTERVAL: duration('2s', 0),
    JWT_SECRET: raw(),
    AUDIT_HMAC_KEY: raw(),
  })
  .superRefine((env, ctx) => {
    const problem = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    const key = trimmed(env.OIDC_ENCRYPTION_KEY);
    if (key === undefined) {
      if (isProduction(env.AEGIS_ENV))
        problem(
          'OIDC_ENCRYPTION_KEY',
          'is required when AEGIS_ENV=production (32 random bytes: `openssl rand -base64 32`)',
        );
    } else if (decodeEncryptionKey(key) === undefined)
      // The message names the rule, never the value.
      problem(
        'OIDC_ENCRYPTION_KEY',
        'must be 32 bytes as 64 hex digits or base64 (`openssl rand -base64 32`)',
      );
    else if (key === trimmed(env.JWT_SECRET) || key === trimmed(env.AUDIT_HMAC_KEY))
      problem('OIDC_ENCRYPTION_KEY', 'must differ from JWT_SECRET and AUDIT_HMAC_KEY');
    const scopes = trimmed(env.OIDC_RESOURCE_SCOPES);
    if (scopes !== undefined && !/^[A-Za-z0-9:._-]+( [A-Za-z0-9:._-]+)*$/.test(scopes))
      problem('OIDC_RESOURCE_SCOPES', 'must be scope names separated by single spaces');
  })
  .transform((env) => {
    const key = trimmed(env.OIDC_ENCRYPTION_KEY);
    const decoded = key === undefined ? undefined : decodeEncryptionKey(key);
    return {
      oidc: {
        /** 32 bytes; a throwaway placeholder while `keySource` is `pending` (or when the variable was refused). */
        encryptionKey: decoded ?? Buffer.alloc(32),
        keySource: keySourceOf(key),
        /** APIs registered as resources (RFC 8707): their access tokens are JWTs (RFC 9068). */
        resources: env.OIDC_RESOURCES.map((uri) => new URL(uri).href),
        /** The scopes a client may ask for on a registered resource. */
        resourceScopes: (trimmed(env.OIDC_RESOURCE_SCOPES) ?? 'read write').split(' '),
        /**
         * How often each instance looks for Aegis sessions that ended without a notice reaching it (the CLI,
         * another instance, expiry) and logs their tools out; 0 turns it off.
         */
        logoutSweepIntervalMs: env.OIDC_LOGOUT_SWEEP_INTERVAL,
      },
    };
  });
