import { z } from 'zod';
import { duration, text, url } from './env-fields';

/** The optional shared Redis (rate limits, readiness). */
export const redisSchema = z
  .object({
    REDIS_URL: url(/^rediss?:\/\//, 'a redis:// or rediss:// URL'),
    REDIS_KEY_PREFIX: text('aegis:'),
    REDIS_CONNECT_TIMEOUT: duration('2s', 100),
    REDIS_COMMAND_TIMEOUT: duration('1s', 100),
  })
  .transform((env) => ({
    redisUrl: env.REDIS_URL,
    /** Prefix of every Redis key Aegis writes, so environments can share one Redis. */
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    redisConnectTimeoutMs: env.REDIS_CONNECT_TIMEOUT,
    /** A Redis command not answered in this time fails (login then answers 503). */
    redisCommandTimeoutMs: env.REDIS_COMMAND_TIMEOUT,
  }));
