import { z } from 'zod';
import { duration, folder, integer, oneOf, secret, text } from './env-fields';

/** Where and how the process runs: environment, listen address, logs, data folder, metrics, shutdown. */
export const serverSchema = z
  .object({
    AEGIS_ENV: oneOf(['development', 'test', 'production'], 'development'),
    HOST: text('127.0.0.1'),
    PORT: integer(3000, 0, 65_535),
    LOG_LEVEL: oneOf(['error', 'warn', 'log', 'debug', 'verbose'], 'log'),
    DATA_DIR: folder('./data'),
    METRICS_TOKEN: secret(16),
    SHUTDOWN_GRACE: duration('10s'),
  })
  .transform((env) => ({
    env: env.AEGIS_ENV,
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    dataDir: env.DATA_DIR,
    /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
    metricsToken: env.METRICS_TOKEN,
    /** After SIGTERM, in-flight requests get this long to finish before the process exits anyway. */
    shutdownGraceMs: env.SHUTDOWN_GRACE,
  }));

export type AegisEnv = z.output<typeof serverSchema>['env'];
