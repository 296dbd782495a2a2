import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseDuration } from './duration';

export type AegisEnv = 'development' | 'test' | 'production';

export interface DatabaseConfig {
  /** `sqlite` unless DATABASE_URL is a postgres:// URL. */
  kind: 'sqlite' | 'postgres';
  url?: string;
  sqlitePath: string;
  migrate: boolean;
  /** PostgreSQL only: connections per instance. */
  poolSize: number;
  /** PostgreSQL only: server-side limit per statement (0 = none), with a client-side backstop. */
  statementTimeoutMs: number;
  /** PostgreSQL only: how long to wait for a new connection. */
  connectTimeoutMs: number;
}

export interface AuditConfig {
  /** Signs chain checkpoints and the retention anchor; kept outside the database. Unset: no signatures. */
  hmacKey?: KeyObject;
  checkpointIntervalMs: number;
  /** Unset: keep the audit log forever. */
  retentionDays?: number;
}

export interface Argon2Config {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

/** The validated configuration. Build it with {@link loadConfig}; never read process.env elsewhere. */
export class AppConfig {
  env!: AegisEnv;
  host!: string;
  port!: number;
  logLevel!: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  dataDir!: string;
  database!: DatabaseConfig;
  redisUrl?: string;
  /** Prefix of every Redis key Aegis writes, so environments can share one Redis. */
  redisKeyPrefix!: string;
  redisConnectTimeoutMs!: number;
  /** A Redis command not answered in this time fails (login then answers 503). */
  redisCommandTimeoutMs!: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** After SIGTERM, in-flight requests get this long to finish before the process exits anyway. */
  shutdownGraceMs!: number;
  /** `previousKey`: JWT_SECRET_PREVIOUS, still verified (never used to sign) during a key rollover. */
  jwt!: { key: KeyObject; previousKey?: KeyObject; issuer: string; audience: string };
  accessTokenTtlMs!: number;
  sessionIdleTtlMs!: number;
  sessionAbsoluteTtlMs!: number;
  refreshReuseGraceMs!: number;
  /** How often rows of ended sessions are deleted; 0 disables the job. */
  sessionPurgeIntervalMs!: number;
  secureCookies!: boolean;
  loginRateLimitPerMinute!: number;
  /** Consecutive failed password checks for one account before it is refused for a while. */
  loginMaxFailures!: number;
  passwordMinLength!: number;
  argon2!: Argon2Config;
  admin!: { username?: string; password?: string };
  /** Create the first administrator on an empty database (the service does; the CLI does not). */
  bootstrapAdmin!: boolean;
  trustedProxies!: string[];
  corsOrigins!: string[];
  /** Serve the demo page and the browser client at /demo/ (SERVE_DEMO=true). */
  serveDemo!: boolean;
  audit!: AuditConfig;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Values that appear in .env.example or docs: refuse them as real secrets in production. */
const EXAMPLE_SECRETS = new Set([
  'change-me',
  'changeme',
  'secret',
  'please-change-this-secret-in-production-0123',
]);
const OWASP_ARGON2_MIN: Argon2Config = { memoryKiB: 19_456, timeCost: 2, parallelism: 1 };

class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${text}")`);
      return fallback;
    }
    return value;
  }

  duration(name: string, fallback: string, minMs = 1_000): number {
    const text = this.raw(name) ?? fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms < minMs) {
      this.problems.push(
        `${name} must be a duration like 30s, 15m or 12h, at least ${minMs / 1000}s (got "${text}")`,
      );
      return parseDuration(fallback)!;
    }
    return ms;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const text = (this.raw(name) ?? fallback).toLowerCase() as T;
    if (!allowed.includes(text)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${text}")`);
      return fallback;
    }
    return text;
  }

  bool(name: string, fallback: boolean): boolean {
    const text = this.raw(name)?.toLowerCase();
    if (text === undefined) return fallback;
    if (['true', '1', 'yes'].includes(text)) return true;
    if (['false', '0', 'no'].includes(text)) return false;
    this.problems.push(`${name} must be true or false (got "${text}")`);
    return fallback;
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
}

function isIpOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length > 0 || isIP(address) === 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return Number.isInteger(bits) && bits >= 0 && bits <= (isIP(address) === 4 ? 32 : 128);
}

function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    // Matched exactly: a "*" would never match anything, so it is refused rather than silently useless.
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.origin === entry &&
      !url.hostname.includes('*')
    );
  } catch {
    return false;
  }
}

/**
 * Outside production an unset JWT_SECRET is generated once and kept in the data folder (mode 0600),
 * so tokens survive restarts without anyone committing a secret.
 */
function loadOrCreateDevSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

export function loadDatabaseConfig(env: Env, reader = new EnvReader(env)): DatabaseConfig {
  const url = reader.raw('DATABASE_URL');
  const dataDir = resolve(reader.string('DATA_DIR', './data'));
  let kind: DatabaseConfig['kind'] = 'sqlite';
  if (url !== undefined) {
    if (/^postgres(ql)?:\/\//.test(url)) kind = 'postgres';
    else
      reader.problems.push(
        'DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite file)',
      );
  }
  return {
    kind,
    url: kind === 'postgres' ? url : undefined,
    sqlitePath: resolve(reader.string('SQLITE_PATH', join(dataDir, 'aegis.sqlite'))),
    migrate: reader.bool('DB_MIGRATE', true),
    poolSize: reader.int('DB_POOL_SIZE', 10, 1, 1_000),
    statementTimeoutMs: reader.duration('DB_STATEMENT_TIMEOUT', '10s', 0),
    connectTimeoutMs: reader.duration('DB_CONNECT_TIMEOUT', '5s', 100),
  };
}

function loadAuditConfig(reader: EnvReader, jwtSecret: string | undefined): AuditConfig {
  const hmacKey = reader.raw('AUDIT_HMAC_KEY');
  if (hmacKey !== undefined) {
    if (Buffer.byteLength(hmacKey) < 32)
      reader.problems.push('AUDIT_HMAC_KEY must be at least 32 bytes');
    // One leaked secret must not let anyone both mint tokens and re-sign a rewritten audit log.
    if (hmacKey === jwtSecret) reader.problems.push('AUDIT_HMAC_KEY must differ from JWT_SECRET');
  }
  return {
    hmacKey: hmacKey === undefined ? undefined : createSecretKey(Buffer.from(hmacKey)),
    checkpointIntervalMs: reader.duration('AUDIT_CHECKPOINT_INTERVAL', '1m'),
    retentionDays:
      reader.raw('AUDIT_RETENTION_DAYS') === undefined
        ? undefined
        : reader.int('AUDIT_RETENTION_DAYS', 0, 1, 36_500),
  };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const reader = new EnvReader(env);
  const config = new AppConfig();
  config.env = reader.oneOf<AegisEnv>('AEGIS_ENV', 'development', [
    'development',
    'test',
    'production',
  ]);
  const production = config.env === 'production';
  config.host = reader.string('HOST', '127.0.0.1');
  config.port = reader.int('PORT', 3000, 0, 65_535);
  config.logLevel = reader.oneOf('LOG_LEVEL', 'log', ['error', 'warn', 'log', 'debug', 'verbose']);
  config.dataDir = resolve(reader.string('DATA_DIR', './data'));
  config.database = loadDatabaseConfig(env, reader);
  config.redisUrl = reader.raw('REDIS_URL');
  config.redisKeyPrefix = reader.string('REDIS_KEY_PREFIX', 'aegis:');
  if (config.redisUrl !== undefined && !/^rediss?:\/\//.test(config.redisUrl)) {
    reader.problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  }
  config.redisConnectTimeoutMs = reader.duration('REDIS_CONNECT_TIMEOUT', '2s', 100);
  config.redisCommandTimeoutMs = reader.duration('REDIS_COMMAND_TIMEOUT', '1s', 100);
  config.metricsToken = reader.raw('METRICS_TOKEN');
  if (config.metricsToken !== undefined && Buffer.byteLength(config.metricsToken) < 16) {
    reader.problems.push('METRICS_TOKEN must be at least 16 bytes');
  }
  config.shutdownGraceMs = reader.duration('SHUTDOWN_GRACE', '10s');

  let secret = reader.raw('JWT_SECRET');
  if (secret !== undefined) {
    if (Buffer.byteLength(secret) < 32)
      reader.problems.push('JWT_SECRET must be at least 32 bytes');
    if (production && EXAMPLE_SECRETS.has(secret.toLowerCase())) {
      reader.problems.push(
        'JWT_SECRET is an example value; generate one with `openssl rand -base64 48`',
      );
    }
  } else if (production) {
    reader.problems.push('JWT_SECRET is required when AEGIS_ENV=production (at least 32 bytes)');
  } else {
    secret = loadOrCreateDevSecret(config.dataDir);
  }
  const previousSecret = reader.raw('JWT_SECRET_PREVIOUS');
  if (previousSecret !== undefined) {
    if (Buffer.byteLength(previousSecret) < 32)
      reader.problems.push('JWT_SECRET_PREVIOUS must be at least 32 bytes');
    if (previousSecret === secret)
      reader.problems.push('JWT_SECRET_PREVIOUS must differ from JWT_SECRET');
  }
  config.jwt = {
    // A KeyObject, not a string: jsonwebtoken otherwise tries createPublicKey() on every call (STACK.md trap 8).
    key: createSecretKey(Buffer.from(secret ?? randomBytes(32).toString('hex'))),
    previousKey:
      previousSecret !== undefined ? createSecretKey(Buffer.from(previousSecret)) : undefined,
    issuer: reader.string('JWT_ISSUER', 'aegis'),
    audience: reader.string('JWT_AUDIENCE', 'aegis'),
  };

  config.accessTokenTtlMs = reader.duration('ACCESS_TOKEN_TTL', '15m');
  config.sessionIdleTtlMs = reader.duration('SESSION_IDLE_TTL', '60m');
  config.sessionAbsoluteTtlMs = reader.duration('SESSION_ABSOLUTE_TTL', '12h');
  config.refreshReuseGraceMs = reader.duration('REFRESH_REUSE_GRACE', '10s', 0);
  config.sessionPurgeIntervalMs = reader.duration('SESSION_PURGE_INTERVAL', '15m', 0);
  if (config.sessionIdleTtlMs > config.sessionAbsoluteTtlMs) {
    reader.problems.push('SESSION_IDLE_TTL must not exceed SESSION_ABSOLUTE_TTL');
  }
  if (config.accessTokenTtlMs > config.sessionIdleTtlMs) {
    reader.problems.push('ACCESS_TOKEN_TTL must not exceed SESSION_IDLE_TTL');
  }

  const secureCookies = reader.oneOf('SECURE_COOKIES', 'auto', ['auto', 'true', 'false']);
  config.secureCookies = secureCookies === 'auto' ? production : secureCookies === 'true';

  config.loginRateLimitPerMinute = reader.int('LOGIN_RATE_LIMIT_PER_MINUTE', 5, 1, 100_000);
  config.loginMaxFailures = reader.int('LOGIN_MAX_FAILURES', 5, 1, 1_000);
  config.passwordMinLength = reader.int('PASSWORD_MIN_LENGTH', 15, 8, 128);
  config.argon2 = {
    memoryKiB: reader.int(
      'ARGON2_MEMORY_KIB',
      OWASP_ARGON2_MIN.memoryKiB,
      OWASP_ARGON2_MIN.memoryKiB,
      4_194_304,
    ),
    timeCost: reader.int(
      'ARGON2_TIME_COST',
      OWASP_ARGON2_MIN.timeCost,
      OWASP_ARGON2_MIN.timeCost,
      20,
    ),
    parallelism: reader.int('ARGON2_PARALLELISM', OWASP_ARGON2_MIN.parallelism, 1, 16),
  };
  config.bootstrapAdmin = true;
  config.admin = {
    username: reader.raw('AEGIS_ADMIN_USERNAME'),
    password: env.AEGIS_ADMIN_PASSWORD || undefined,
  };
  config.bootstrapAdmin = true;
  if ((config.admin.username === undefined) !== (config.admin.password === undefined)) {
    reader.problems.push('AEGIS_ADMIN_USERNAME and AEGIS_ADMIN_PASSWORD must be set together');
  }

  config.trustedProxies = reader.list('TRUSTED_PROXIES');
  for (const entry of config.trustedProxies) {
    if (!isIpOrCidr(entry))
      reader.problems.push(`TRUSTED_PROXIES entry "${entry}" is not an IP address or CIDR`);
  }
  config.corsOrigins = reader.list('CORS_ORIGINS');
  config.serveDemo = reader.bool('SERVE_DEMO', false);
  for (const entry of config.corsOrigins) {
    if (!isOrigin(entry))
      reader.problems.push(
        `CORS_ORIGINS entry "${entry}" is not an origin like https://app.example.com`,
      );
  }

  config.audit = loadAuditConfig(reader, secret);

  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}
