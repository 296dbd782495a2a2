import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

const SECRET = 'kX9f3Qm2Lp8Zr7Tb4Wc6Yd1Nh5Vg0Js-Ae_Uo';
/** What production needs besides the secrets under test. */
const PROD = {
  AEGIS_ENV: 'production',
  MFA_ENCRYPTION_KEY: 'q7Vd2mX9pL4sT8wZ1cR6yN3bH5kF0jGa8eU2iO4xQ1s=',
  PUBLIC_URL: 'https://aegis.example.com',
  METRICS_TOKEN: 'metrics-token-0123456789',
  OIDC_ENCRYPTION_KEY: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
};

describe('loadConfig', () => {
  it('gives safe laptop defaults with zero configuration', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aegis-config-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.port).toBe(3000);
    expect(config.database.kind).toBe('sqlite');
    expect(config.database.sqlitePath).toBe(join(dataDir, 'aegis.sqlite'));
    expect(config.accessTokenTtlMs).toBe(15 * 60_000);
    expect(config.sessionIdleTtlMs).toBe(60 * 60_000);
    expect(config.sessionAbsoluteTtlMs).toBe(12 * 3_600_000);
    expect(config.refreshReuseGraceMs).toBe(10_000);
    expect(config.secureCookies).toBe(false);
    expect(config.loginRateLimitPerMinute).toBe(5);
    expect(config.loginMaxFailures).toBe(5);
    expect(config.jwt.previousKey).toBeUndefined();
    expect(config.trustedProxies).toEqual([]);
    expect(config.corsOrigins).toEqual([]);
    expect(config.bootstrapAdmin).toBe(true);
    expect(config.passwordMinLength).toBe(15);
    expect(config.argon2).toEqual({ memoryKiB: 19_456, timeCost: 2, parallelism: 1 });
  });

  it('starts in production without JWT_SECRET: access tokens are signed with keys from the database', () => {
    const config = loadConfig(PROD);
    expect(config.jwt.key).toBeUndefined();
    expect(config.jwt.keySource).toBe('none');
  });

  it('refuses an activation delay too short for every instance to learn of a new key first', () => {
    expect(
      loadConfig({ SIGNING_KEY_POLL_INTERVAL: '500ms', SIGNING_KEY_ACTIVATION_DELAY: '2s' })
        .signingKeys,
    ).toEqual({ pollIntervalMs: 500, activationDelayMs: 2_000 });
    expect(() =>
      loadConfig({ SIGNING_KEY_POLL_INTERVAL: '5s', SIGNING_KEY_ACTIVATION_DELAY: '10s' }),
    ).toThrow(/SIGNING_KEY_ACTIVATION_DELAY must be at least 3 times SIGNING_KEY_POLL_INTERVAL/);
  });

  it('refuses a short or example secret in production', () => {
    expect(() => loadConfig({ ...PROD, JWT_SECRET: 'short' })).toThrow(/at least 32 bytes/);
    expect(() =>
      loadConfig({
        ...PROD,
        JWT_SECRET: 'please-change-this-secret-in-production-0123',
      }),
    ).toThrow(/example value/);
  });

  it('makes cookies Secure automatically in production only, unless SECURE_COOKIES says otherwise', () => {
    expect(loadConfig({ ...PROD, JWT_SECRET: SECRET }).secureCookies).toBe(true);
    expect(
      loadConfig({
        ...PROD,
        JWT_SECRET: SECRET,
        SECURE_COOKIES: 'false',
        ALLOW_INSECURE_PRODUCTION: 'true',
      }).secureCookies,
    ).toBe(false);
    expect(loadConfig({ JWT_SECRET: SECRET, SECURE_COOKIES: 'true' }).secureCookies).toBe(true);
  });

  it('reports every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        JWT_SECRET: SECRET,
        PORT: 'abc',
        ACCESS_TOKEN_TTL: 'soon',
        PASSWORD_MIN_LENGTH: '6',
        ARGON2_MEMORY_KIB: '1024',
        DATABASE_URL: 'mysql://x',
        TRUSTED_PROXIES: '10.0.0.0/8,not-an-ip',
        CORS_ORIGINS: 'https://app.example.com/path',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'ACCESS_TOKEN_TTL',
      'PASSWORD_MIN_LENGTH',
      'ARGON2_MEMORY_KIB',
      'DATABASE_URL',
      'TRUSTED_PROXIES',
      'CORS_ORIGINS',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('keeps JWT_SECRET_PREVIOUS as a second verification key, refusing a short or repeated one', () => {
    const config = loadConfig({
      JWT_SECRET: SECRET,
      JWT_SECRET_PREVIOUS: 'pQ7wE3rT9yU1iO5aS8dF2gH6jK0lZ4xC-vB_nM',
    });
    expect(config.jwt.previousKey?.export().toString()).toBe(
      'pQ7wE3rT9yU1iO5aS8dF2gH6jK0lZ4xC-vB_nM',
    );
    expect(() => loadConfig({ JWT_SECRET: SECRET, JWT_SECRET_PREVIOUS: 'short' })).toThrow(
      /JWT_SECRET_PREVIOUS must be at least 32 bytes/,
    );
    expect(() => loadConfig({ JWT_SECRET: SECRET, JWT_SECRET_PREVIOUS: SECRET })).toThrow(
      /JWT_SECRET_PREVIOUS must differ from JWT_SECRET/,
    );
  });

  it('accepts only IPs and CIDRs as trusted proxies (no "true", no hop counts)', () => {
    expect(
      loadConfig({ JWT_SECRET: SECRET, TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.1,::1' })
        .trustedProxies,
    ).toEqual(['10.0.0.0/8', '192.0.2.1', '::1']);
    for (const bad of ['true', '1', '*', '10.0.0.0/33', 'loopback']) {
      expect(() => loadConfig({ JWT_SECRET: SECRET, TRUSTED_PROXIES: bad })).toThrow(
        /TRUSTED_PROXIES/,
      );
    }
  });

  it('accepts only exact origins in CORS_ORIGINS (no *, null, paths or wildcards)', () => {
    for (const bad of [
      '*',
      'null',
      'https://*.example.com',
      'https://app.example.com/',
      'app.example.com',
    ]) {
      expect(() => loadConfig({ JWT_SECRET: SECRET, CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });

  it('bounds LOGIN_MAX_FAILURES', () => {
    expect(loadConfig({ JWT_SECRET: SECRET, LOGIN_MAX_FAILURES: '3' }).loginMaxFailures).toBe(3);
    expect(() => loadConfig({ JWT_SECRET: SECRET, LOGIN_MAX_FAILURES: '0' })).toThrow(
      /LOGIN_MAX_FAILURES/,
    );
  });

  it('selects PostgreSQL for a postgres:// DATABASE_URL', () => {
    const config = loadConfig({
      JWT_SECRET: SECRET,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/aegis',
    });
    expect(config.database).toMatchObject({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/aegis',
    });
  });
  it('has operational defaults for pools, timeouts, metrics and shutdown', () => {
    const config = loadConfig({ JWT_SECRET: SECRET });
    expect(config.database).toMatchObject({
      poolSize: 10,
      statementTimeoutMs: 10_000,
      connectTimeoutMs: 5_000,
    });
    expect(config.redisConnectTimeoutMs).toBe(2_000);
    expect(config.redisCommandTimeoutMs).toBe(1_000);
    expect(config.metricsToken).toBeUndefined();
    expect(config.shutdownGraceMs).toBe(10_000);
    expect(config.shutdownDrainMs).toBe(5_000);
  });

  it('reads operational settings, and refuses a short METRICS_TOKEN or a pool of zero', () => {
    const config = loadConfig({
      JWT_SECRET: SECRET,
      DB_POOL_SIZE: '25',
      DB_STATEMENT_TIMEOUT: '0',
      DB_CONNECT_TIMEOUT: '750ms',
      REDIS_COMMAND_TIMEOUT: '300ms',
      METRICS_TOKEN: 'a-long-enough-scrape-token',
      SHUTDOWN_GRACE: '30s',
      SHUTDOWN_DRAIN: '0',
    });
    expect(config.database.poolSize).toBe(25);
    expect(config.database.statementTimeoutMs).toBe(0);
    expect(config.database.connectTimeoutMs).toBe(750);
    expect(config.redisCommandTimeoutMs).toBe(300);
    expect(config.metricsToken).toBe('a-long-enough-scrape-token');
    expect(config.shutdownGraceMs).toBe(30_000);
    expect(config.shutdownDrainMs).toBe(0);
    const bad = () => loadConfig({ JWT_SECRET: SECRET, METRICS_TOKEN: 'short', DB_POOL_SIZE: '0' });
    expect(bad).toThrow(/METRICS_TOKEN must be at least 16 bytes/);
    expect(bad).toThrow(/DB_POOL_SIZE must be an integer between 1 and 1000/);
  });
});
