import { z } from 'zod';
import {
  bool,
  duration,
  folder,
  integer,
  isProduction,
  oneOf,
  optionalText,
  secret,
  text,
} from './env-fields';

/** An origin-only URL (`https://aegis.example.com`, no path): the service's address as browsers see it. */
function publicOrigin(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.origin === value.replace(/\/$/, '')
    )
      return url.origin;
  } catch {
    // refused below
  }
  return undefined;
}

/** Where and how the process runs: environment, listen address, logs, data folder, metrics, shutdown. */
export const serverSchema = z
  .object({
    AEGIS_ENV: oneOf(['development', 'test', 'production'], 'development'),
    HOST: text('127.0.0.1'),
    PORT: integer(3000, 0, 65_535),
    LOG_LEVEL: oneOf(['error', 'warn', 'log', 'debug', 'verbose'], 'log'),
    DATA_DIR: folder('./data'),
    METRICS_TOKEN: secret(16),
    METRICS_PUBLIC: bool(false),
    DOCS_ENABLED: optionalText(),
    PUBLIC_URL: optionalText(),
    AEGIS_COMMIT: optionalText(),
    GIT_COMMIT: optionalText(),
    SHUTDOWN_DRAIN: duration('5s', 0),
    SHUTDOWN_GRACE: duration('10s'),
    REQUEST_TIMEOUT: duration('30s'),
    HEADERS_TIMEOUT: duration('10s'),
    KEEP_ALIVE_TIMEOUT: duration('5s'),
    CONNECTION_TIMEOUT: duration('60s'),
  })
  .superRefine((env, ctx) => {
    const problem = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    if (env.PUBLIC_URL !== undefined && publicOrigin(env.PUBLIC_URL) === undefined)
      problem(
        'PUBLIC_URL',
        `must be an origin like https://aegis.example.com, without a path (got "${env.PUBLIC_URL}")`,
      );
    if (
      env.DOCS_ENABLED !== undefined &&
      !['true', 'false'].includes(env.DOCS_ENABLED.toLowerCase())
    )
      problem('DOCS_ENABLED', `must be true or false (got "${env.DOCS_ENABLED}")`);
    if (isProduction(env.AEGIS_ENV)) {
      if (env.PUBLIC_URL === undefined)
        problem(
          'PUBLIC_URL',
          'is required when AEGIS_ENV=production (the origin browsers use, e.g. https://aegis.example.com)',
        );
      if (env.METRICS_TOKEN === undefined && !env.METRICS_PUBLIC)
        problem(
          'METRICS_TOKEN',
          'is required when AEGIS_ENV=production (or say METRICS_PUBLIC=true to serve /metrics openly)',
        );
    }
    if (env.HEADERS_TIMEOUT > env.REQUEST_TIMEOUT)
      problem('HEADERS_TIMEOUT', 'must not exceed REQUEST_TIMEOUT');
  })
  .transform((env) => ({
    env: env.AEGIS_ENV,
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    dataDir: env.DATA_DIR,
    /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
    metricsToken: env.METRICS_TOKEN,
    /**
     * The origin browsers reach the service at: the own origin of the cross-origin check (and, later, issuer
     * URLs). Unset outside production: the request's own scheme and Host stand in.
     */
    publicUrl: publicOrigin(env.PUBLIC_URL),
    /** Swagger UI at /docs and the document at /docs-json: on unless DOCS_ENABLED=false (off by default in production). */
    docsEnabled:
      env.DOCS_ENABLED === undefined
        ? !isProduction(env.AEGIS_ENV)
        : env.DOCS_ENABLED.toLowerCase() === 'true',
    /** Whole request (headers and body) / headers alone / idle keep-alive / idle socket, in milliseconds. */
    timeouts: {
      requestMs: env.REQUEST_TIMEOUT,
      headersMs: env.HEADERS_TIMEOUT,
      keepAliveMs: env.KEEP_ALIVE_TIMEOUT,
      connectionMs: env.CONNECTION_TIMEOUT,
    },
    /** The commit this build came from, for the start line (AEGIS_COMMIT, else a CI's GIT_COMMIT). */
    commit: env.AEGIS_COMMIT ?? env.GIT_COMMIT,
    /** After SIGTERM, how long the instance keeps serving (readiness 503) before it stops accepting. */
    shutdownDrainMs: env.SHUTDOWN_DRAIN,
    /** Then, how long in-flight requests get to finish before the process exits anyway. */
    shutdownGraceMs: env.SHUTDOWN_GRACE,
  }));

export type AegisEnv = z.output<typeof serverSchema>['env'];
