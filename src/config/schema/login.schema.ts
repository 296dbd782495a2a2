import { z } from 'zod';
import { duration, integer } from './env-fields';

/** OWASP's minimum for argon2id; weaker parameters are refused. */
const OWASP_ARGON2_MIN = { memoryKiB: 19_456, timeCost: 2, parallelism: 1 };

/** Login limits, the password policy and the password hash's cost. */
export const loginSchema = z
  .object({
    LOGIN_RATE_LIMIT_PER_MINUTE: integer(5, 1, 100_000),
    LOGIN_MAX_FAILURES: integer(5, 1, 1_000),
    PASSWORD_MIN_LENGTH: integer(15, 8, 128),
    ARGON2_MEMORY_KIB: integer(OWASP_ARGON2_MIN.memoryKiB, OWASP_ARGON2_MIN.memoryKiB, 4_194_304),
    ARGON2_TIME_COST: integer(OWASP_ARGON2_MIN.timeCost, OWASP_ARGON2_MIN.timeCost, 20),
    ARGON2_PARALLELISM: integer(OWASP_ARGON2_MIN.parallelism, 1, 16),
    ONE_TIME_PASSWORD_TTL: duration('24h', 60_000),
  })
  .transform((env) => ({
    loginRateLimitPerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE,
    /** Consecutive failed password checks for one account before it is refused for a while. */
    loginMaxFailures: env.LOGIN_MAX_FAILURES,
    passwordMinLength: env.PASSWORD_MIN_LENGTH,
    /** A password set by someone else (must be changed at first login) stops working after this long. */
    oneTimePasswordTtlMs: env.ONE_TIME_PASSWORD_TTL,
    argon2: {
      memoryKiB: env.ARGON2_MEMORY_KIB,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
    },
  }));

export type Argon2Config = z.output<typeof loginSchema>['argon2'];
