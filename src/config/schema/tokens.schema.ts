import { createSecretKey } from 'node:crypto';
import { z } from 'zod';
import { duration, integer, isProduction, raw, secret, text } from './env-fields';

/** Values that appear in .env.example or docs: refused as real secrets in production. */
const EXAMPLE_SECRETS = new Set([
  'change-me',
  'changeme',
  'secret',
  'please-change-this-secret-in-production-0123',
]);

/**
 * Where the legacy HS256 key comes from: JWT_SECRET, or (outside production, JWT_SECRET unset) the development
 * secret kept in DATA_DIR/jwt-secret. Reading or creating that file is start-up work, not parsing: `pending`
 * says resolveDevelopmentSecrets() has yet to read it. `none`: production without JWT_SECRET (access tokens are
 * signed with keys from the database; no HS256 token verifies).
 */
export type JwtKeySource = 'env' | 'pending' | 'development-file' | 'none';

// A KeyObject, not a string: given a string, jsonwebtoken first tries createPublicKey() on it, which throws
// after ~340 µs on every sign and verify.
const keyOf = (text: string) => createSecretKey(Buffer.from(text));

/**
 * Too little entropy to be a generated secret: fewer than 8 distinct bytes (32 × `a`, a short word
 * repeated), or one unit repeated (`abcabcabc…`). Eight, not more: a hex secret has only 16 symbols, and
 * `openssl rand -hex 16` (32 characters) shows fewer than 8 of them about once in 25 million draws; at 16,
 * one `openssl rand -hex 32` in four was refused.
 */
export function isGuessableSecret(secret: string): boolean {
  const bytes = Buffer.from(secret);
  if (new Set(bytes).size < 8) return true;
  for (let unit = 1; unit <= bytes.length / 2; unit++) {
    if (
      bytes.length % unit === 0 &&
      bytes
        .toString()
        .slice(0, unit)
        .repeat(bytes.length / unit) === secret
    )
      return true;
  }
  return false;
}

/** The principal cache's last bound stays short: invalidation, not age, is what keeps it correct. */
const MAX_PRINCIPAL_CACHE_AGE_MS = 60_000;

const sourceOf = (secret: string | undefined, aegisEnv: string | undefined): JwtKeySource =>
  secret !== undefined ? 'env' : isProduction(aegisEnv) ? 'none' : 'pending';

/** Instances must learn of a new key (poll) well before it signs, with room for one slow or missed poll. */
const POLLS_PER_ACTIVATION_DELAY = 3;

/** Access tokens (ES256, keys in the database; HS256 under JWT_SECRET verified only) and their sessions. */
export const tokensSchema = z
  .object({
    AEGIS_ENV: raw(),
    JWT_SECRET: secret(32),
    JWT_SECRET_PREVIOUS: secret(32),
    JWT_ISSUER: text('aegis'),
    JWT_AUDIENCE: text('aegis'),
    ACCESS_TOKEN_TTL: duration('15m'),
    SESSION_IDLE_TTL: duration('60m'),
    SESSION_ABSOLUTE_TTL: duration('12h'),
    REFRESH_REUSE_GRACE: duration('10s', 0),
    SESSION_PURGE_INTERVAL: duration('15m', 0),
    PRINCIPAL_CACHE_SIZE: integer(10_000, 0, 1_000_000),
    PRINCIPAL_CACHE_MAX_AGE: duration('5s'),
    SIGNING_KEY_POLL_INTERVAL: duration('5s', 100),
    SIGNING_KEY_ACTIVATION_DELAY: duration('1m'),
  })
  .superRefine((env, ctx) => {
    const problem = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    if (
      isProduction(env.AEGIS_ENV) &&
      env.JWT_SECRET !== undefined &&
      EXAMPLE_SECRETS.has(env.JWT_SECRET.toLowerCase())
    )
      problem('JWT_SECRET', 'is an example value; it may be left unset');
    if (isProduction(env.AEGIS_ENV) && env.JWT_SECRET === undefined && env.JWT_SECRET_PREVIOUS)
      problem('JWT_SECRET_PREVIOUS', 'is only read with JWT_SECRET');
    for (const name of ['JWT_SECRET', 'JWT_SECRET_PREVIOUS'] as const) {
      const value = env[name];
      // Only a secret long enough for the length rule: one problem line per secret is enough.
      if (
        value !== undefined &&
        Buffer.byteLength(value) >= 32 &&
        !EXAMPLE_SECRETS.has(value.toLowerCase()) &&
        isGuessableSecret(value)
      )
        problem(
          name,
          'has too little entropy (fewer than 8 distinct bytes, or a repeated pattern); generate one with `openssl rand -base64 48`',
        );
    }
    if (env.JWT_SECRET_PREVIOUS !== undefined && env.JWT_SECRET_PREVIOUS === env.JWT_SECRET)
      problem('JWT_SECRET_PREVIOUS', 'must differ from JWT_SECRET');
    if (env.SESSION_IDLE_TTL > env.SESSION_ABSOLUTE_TTL)
      problem('SESSION_IDLE_TTL', 'must not exceed SESSION_ABSOLUTE_TTL');
    if (env.PRINCIPAL_CACHE_MAX_AGE > MAX_PRINCIPAL_CACHE_AGE_MS)
      problem('PRINCIPAL_CACHE_MAX_AGE', 'must not exceed 1m');
    if (env.ACCESS_TOKEN_TTL > env.SESSION_IDLE_TTL)
      problem('ACCESS_TOKEN_TTL', 'must not exceed SESSION_IDLE_TTL');
    if (
      env.SIGNING_KEY_ACTIVATION_DELAY <
      POLLS_PER_ACTIVATION_DELAY * env.SIGNING_KEY_POLL_INTERVAL
    )
      problem(
        'SIGNING_KEY_ACTIVATION_DELAY',
        `must be at least ${POLLS_PER_ACTIVATION_DELAY} times SIGNING_KEY_POLL_INTERVAL (every instance publishes a new key before any signs with it)`,
      );
  })
  .transform((env) => ({
    /**
     * `key` and `previousKey` (JWT_SECRET, JWT_SECRET_PREVIOUS): HS256 keys of tokens minted before access tokens
     * were signed with keys from the database; they only verify, until those tokens expired. `key` also derives
     * the device-cookie key when set. Undefined while `keySource` is `pending` or `none`.
     */
    jwt: {
      key: env.JWT_SECRET === undefined ? undefined : keyOf(env.JWT_SECRET),
      keySource: sourceOf(env.JWT_SECRET, env.AEGIS_ENV),
      previousKey:
        env.JWT_SECRET_PREVIOUS === undefined ? undefined : keyOf(env.JWT_SECRET_PREVIOUS),
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    },
    accessTokenTtlMs: env.ACCESS_TOKEN_TTL,
    signingKeys: {
      /** How often each instance reads the key table for keys added, activated or retired elsewhere. */
      pollIntervalMs: env.SIGNING_KEY_POLL_INTERVAL,
      /** From a rotation to the new keys signing: every instance publishes them before any signs with them. */
      activationDelayMs: env.SIGNING_KEY_ACTIVATION_DELAY,
    },
    sessionIdleTtlMs: env.SESSION_IDLE_TTL,
    sessionAbsoluteTtlMs: env.SESSION_ABSOLUTE_TTL,
    refreshReuseGraceMs: env.REFRESH_REUSE_GRACE,
    /** How often rows of ended sessions are deleted; 0 disables the job. */
    sessionPurgeIntervalMs: env.SESSION_PURGE_INTERVAL,
    /** Session principals kept in memory per instance (0: none, every request reads the database). */
    principalCacheSize: env.PRINCIPAL_CACHE_SIZE,
    /** The longest an entry is served, whatever the invalidation feed says (a last bound, not the mechanism). */
    principalCacheMaxAgeMs: env.PRINCIPAL_CACHE_MAX_AGE,
  }));
