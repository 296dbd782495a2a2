import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, loadConfig } from '../app-config';
import { CONFIG_SECTIONS } from './app-config.schema';
import { isGuessableSecret } from './tokens.schema';

const SECRET = 'kX9f3Qm2Lp8Zr7Tb4Wc6Yd1Nh5Vg0Js-Ae_Uo';
/** What production needs besides the secrets under test. */
const PROD = {
  AEGIS_ENV: 'production',
  MFA_ENCRYPTION_KEY: 'q7Vd2mX9pL4sT8wZ1cR6yN3bH5kF0jGa8eU2iO4xQ1s=',
  PUBLIC_URL: 'https://aegis.example.com',
  METRICS_TOKEN: 'metrics-token-0123456789',
  OIDC_ENCRYPTION_KEY: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the configuration schema', () => {
  it('reads exactly the variables .env.example documents', () => {
    const documented = Object.keys(
      parseEnv(readFileSync(resolve(__dirname, '../../../.env.example'), 'utf8')),
    );
    const read = new Set(Object.values(CONFIG_SECTIONS).flatMap((s) => Object.keys(s.in.shape)));
    expect([...read].sort()).toEqual([...documented].sort());
  });

  it.each([
    ['PORT', 'abc', 'PORT must be an integer between 0 and 65535 (got "abc")'],
    [
      'AEGIS_ENV',
      'staging',
      'AEGIS_ENV must be one of development, test, production (got "staging")',
    ],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of error, warn, log, debug, verbose (got "loud")'],
    ['DB_MIGRATE', 'maybe', 'DB_MIGRATE must be true or false (got "maybe")'],
    ['DB_POOL_SIZE', '0', 'DB_POOL_SIZE must be an integer between 1 and 1000 (got "0")'],
    [
      'DB_CONNECT_TIMEOUT',
      '50ms',
      'DB_CONNECT_TIMEOUT must be a duration like 30s, 15m or 12h, at least 0.1s (got "50ms")',
    ],
    [
      'ACCESS_TOKEN_TTL',
      'soon',
      'ACCESS_TOKEN_TTL must be a duration like 30s, 15m or 12h, at least 1s (got "soon")',
    ],
    ['SECURE_COOKIES', 'always', 'SECURE_COOKIES must be one of auto, true, false (got "always")'],
    ['SERVE_DEMO', 'sure', 'SERVE_DEMO must be true or false (got "sure")'],
    [
      'PASSWORD_MIN_LENGTH',
      '6',
      'PASSWORD_MIN_LENGTH must be an integer between 8 and 128 (got "6")',
    ],
    ['ARGON2_TIME_COST', '1', 'ARGON2_TIME_COST must be an integer between 2 and 20 (got "1")'],
    ['METRICS_TOKEN', 'short', 'METRICS_TOKEN must be at least 16 bytes (got 5)'],
    ['JWT_SECRET_PREVIOUS', 'short', 'JWT_SECRET_PREVIOUS must be at least 32 bytes (got 5)'],
    [
      'AUDIT_RETENTION_DAYS',
      'forever',
      'AUDIT_RETENTION_DAYS must be an integer between 1 and 36500 (got "forever")',
    ],
    [
      'TRUSTED_PROXIES',
      '10.0.0.0/8,nope',
      'TRUSTED_PROXIES entry "nope" is not an IP address or CIDR',
    ],
    [
      'CORS_ORIGINS',
      'https://a.example, *',
      'CORS_ORIGINS entry "*" is not an origin like https://app.example.com',
    ],
  ])('names %s, the rule it broke and the value given (%j)', (name, value, line) => {
    expect(problemsOf({ JWT_SECRET: SECRET, [name]: value })).toEqual([line]);
  });

  it('never repeats a secret or the credentials of a URL in a problem line', () => {
    const problems = problemsOf({
      JWT_SECRET: 'a-short-jwt-secret',
      AUDIT_HMAC_KEY: 'a-short-hmac-key',
      DATABASE_URL: 'mysql://root:hunter2@db/aegis',
      REDIS_URL: 'http://:hunter3@cache:6379',
    }).join('\n');
    expect(problems).toContain('JWT_SECRET must be at least 32 bytes (got 18)');
    expect(problems).toContain('AUDIT_HMAC_KEY must be at least 32 bytes (got 16)');
    expect(problems).toContain(
      'DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite file) (got a "mysql:" URL)',
    );
    expect(problems).toContain('REDIS_URL must be a redis:// or rediss:// URL (got a "http:" URL)');
    for (const leaked of ['a-short-jwt-secret', 'a-short-hmac-key', 'hunter2', 'hunter3'])
      expect(problems).not.toContain(leaked);
  });

  it('checks cross-field rules even in sections where a field failed, all in one message', () => {
    const problems = problemsOf({
      AEGIS_ENV: 'production',
      PORT: '99999',
      JWT_SECRET_PREVIOUS: SECRET,
      REFRESH_REUSE_GRACE: 'a while',
      ACCESS_TOKEN_TTL: '2h',
      SESSION_IDLE_TTL: '3h',
      SESSION_ABSOLUTE_TTL: '1h',
      AEGIS_ADMIN_PASSWORD: 'only the password',
      ARGON2_MEMORY_KIB: '1024',
    });
    expect(problems).toEqual([
      'PORT must be an integer between 0 and 65535 (got "99999")',
      'PUBLIC_URL is required when AEGIS_ENV=production (the origin browsers use, e.g. https://aegis.example.com)',
      'METRICS_TOKEN is required when AEGIS_ENV=production (or say METRICS_PUBLIC=true to serve /metrics openly)',
      'REFRESH_REUSE_GRACE must be a duration like 30s, 15m or 12h, at least 0s (got "a while")',
      'JWT_SECRET_PREVIOUS is only read with JWT_SECRET',
      'SESSION_IDLE_TTL must not exceed SESSION_ABSOLUTE_TTL',
      'ARGON2_MEMORY_KIB must be an integer between 19456 and 4194304 (got "1024")',
      'AEGIS_ADMIN_USERNAME and AEGIS_ADMIN_PASSWORD must be set together',
      'OIDC_ENCRYPTION_KEY is required when AEGIS_ENV=production (32 random bytes: `openssl rand -base64 32`)',
      'MFA_ENCRYPTION_KEY is required when AEGIS_ENV=production (32 random bytes: `openssl rand -base64 32`)',
    ]);
  });

  it('keeps an access token within the idle lifetime of its session', () => {
    expect(problemsOf({ JWT_SECRET: SECRET, ACCESS_TOKEN_TTL: '2h' })).toEqual([
      'ACCESS_TOKEN_TTL must not exceed SESSION_IDLE_TTL',
    ]);
    expect(
      loadConfig({ JWT_SECRET: SECRET, ACCESS_TOKEN_TTL: '60m', SESSION_IDLE_TTL: '1h' })
        .accessTokenTtlMs,
    ).toBe(3_600_000);
  });

  it('refuses example secrets in production only, and an AUDIT_HMAC_KEY equal to JWT_SECRET anywhere', () => {
    const example = 'please-change-this-secret-in-production-0123';
    expect(problemsOf({ ...PROD, AEGIS_ENV: 'Production', JWT_SECRET: example })).toEqual([
      'JWT_SECRET is an example value; it may be left unset',
    ]);
    expect(loadConfig({ AEGIS_ENV: 'test', JWT_SECRET: example }).env).toBe('test');
    expect(problemsOf({ JWT_SECRET: ` ${SECRET} `, AUDIT_HMAC_KEY: SECRET })).toEqual([
      'AUDIT_HMAC_KEY must differ from JWT_SECRET',
    ]);
  });

  it('treats unset and blank alike, trims values, and keeps the admin password exactly as given', () => {
    const config = loadConfig({
      JWT_SECRET: SECRET,
      PORT: '  ',
      HOST: ' 0.0.0.0 ',
      AEGIS_ADMIN_USERNAME: ' root ',
      AEGIS_ADMIN_PASSWORD: ' spaced passphrase ',
    });
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.admin).toEqual({ username: 'root', password: ' spaced passphrase ' });
  });

  it('has no side effects: the data folder is neither created nor written', () => {
    const parent = mkdtempSync(join(tmpdir(), 'aegis-config-'));
    const dataDir = join(parent, 'data');
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(existsSync(dataDir)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
    expect(config.jwt.keySource).toBe('pending');
    expect(config.dataDir).toBe(dataDir);
  });

  it('signs with JWT_SECRET when it is set', () => {
    const config = loadConfig({ JWT_SECRET: SECRET });
    expect(config.jwt.keySource).toBe('env');
    expect(config.jwt.key!.export().toString()).toBe(SECRET);
  });
});

describe('production refuses the weak', () => {
  const PRODUCTION = {
    AEGIS_ENV: 'production',
    MFA_ENCRYPTION_KEY: 'q7Vd2mX9pL4sT8wZ1cR6yN3bH5kF0jGa8eU2iO4xQ1s=',
    JWT_SECRET: 'kX9f3Qm2Lp8Zr7Tb4Wc6Yd1Nh5Vg0Js-Ae_Uo',
    PUBLIC_URL: 'https://aegis.example.com',
    METRICS_TOKEN: 'metrics-token-0123456789',
    OIDC_ENCRYPTION_KEY: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
  };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('starts with a public URL, a metrics token and a real secret; docs off by default', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.publicUrl).toBe('https://aegis.example.com');
    expect(config.docsEnabled).toBe(false);
    expect(loadConfig({ ...PRODUCTION, DOCS_ENABLED: 'true' }).docsEnabled).toBe(true);
    expect(loadConfig({ JWT_SECRET: PRODUCTION.JWT_SECRET }).docsEnabled).toBe(true);
  });

  it('requires METRICS_TOKEN unless METRICS_PUBLIC=true is said', () => {
    const open: Record<string, string> = { ...PRODUCTION };
    delete open.METRICS_TOKEN;
    expect(problems(open)).toEqual([
      'METRICS_TOKEN is required when AEGIS_ENV=production (or say METRICS_PUBLIC=true to serve /metrics openly)',
    ]);
    expect(problems({ ...open, METRICS_PUBLIC: 'true' })).toEqual([]);
  });

  it('requires PUBLIC_URL, and an origin without a path anywhere', () => {
    const noUrl: Record<string, string> = { ...PRODUCTION };
    delete noUrl.PUBLIC_URL;
    expect(problems(noUrl)).toHaveLength(1);
    expect(
      problems({ JWT_SECRET: PRODUCTION.JWT_SECRET, PUBLIC_URL: 'https://a.example/app' }),
    ).toEqual([
      'PUBLIC_URL must be an origin like https://aegis.example.com, without a path (got "https://a.example/app")',
    ]);
  });

  it.each([
    ['32 × a', 'a'.repeat(32)],
    ['a word repeated', 'secret'.repeat(6)],
    ['few distinct bytes', 'aabbccddeeffgg' + 'abcdefg'.repeat(3)],
    ['a unit repeated', 'abcdefghijklmno'.repeat(3)],
  ])(
    'refuses a JWT_SECRET with too little entropy (%s), in every environment',
    (_label, secret) => {
      expect(problems({ ...PRODUCTION, JWT_SECRET: secret })).toEqual([
        'JWT_SECRET has too little entropy (fewer than 8 distinct bytes, or a repeated pattern); generate one with `openssl rand -base64 48`',
      ]);
      expect(problems({ JWT_SECRET: secret })).toHaveLength(1);
    },
  );

  it('accepts every generated secret: 2,000 from `openssl rand -hex 32`, `-hex 16` and `-base64 48`', () => {
    for (let i = 0; i < 2000; i++) {
      const secret = [
        randomBytes(32).toString('hex'),
        randomBytes(16).toString('hex'),
        randomBytes(48).toString('base64'),
      ][i % 3];
      expect(isGuessableSecret(secret)).toBe(false);
    }
  });

  it('refuses insecure cookies and http:// CORS origins unless ALLOW_INSECURE_PRODUCTION=true', () => {
    const insecure = {
      ...PRODUCTION,
      SECURE_COOKIES: 'false',
      CORS_ORIGINS: 'http://app.example.com',
    };
    expect(problems(insecure)).toEqual([
      'SECURE_COOKIES must not be false when AEGIS_ENV=production (or set ALLOW_INSECURE_PRODUCTION=true)',
      'CORS_ORIGINS entry "http://app.example.com" is plain http:// when AEGIS_ENV=production (or set ALLOW_INSECURE_PRODUCTION=true)',
    ]);
    expect(problems({ ...insecure, ALLOW_INSECURE_PRODUCTION: 'true' })).toEqual([]);
    expect(problems({ JWT_SECRET: PRODUCTION.JWT_SECRET, SECURE_COOKIES: 'false' })).toEqual([]);
  });
});
