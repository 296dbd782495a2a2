import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../app-config';

const PROD = {
  AEGIS_ENV: 'production',
  PUBLIC_URL: 'https://aegis.example.com',
  METRICS_TOKEN: 'metrics-token-0123456789',
  JWT_SECRET: 'kX9f3Qm2Lp8Zr7Tb4Wc6Yd1Nh5Vg0Js-Ae_Uo',
  MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

describe('OpenID provider configuration', () => {
  it('reads a 32-byte key as hex or base64, and waits for the development file when unset', () => {
    const key = randomBytes(32);
    expect(loadConfig({ OIDC_ENCRYPTION_KEY: key.toString('hex') }).oidc.encryptionKey).toEqual(
      key,
    );
    expect(loadConfig({ OIDC_ENCRYPTION_KEY: key.toString('base64') }).oidc.encryptionKey).toEqual(
      key,
    );
    expect(loadConfig({}).oidc.keySource).toBe('pending');
  });

  it('requires the key in production and refuses a short one or one shared with JWT_SECRET', () => {
    expect(problems(PROD)).toEqual([expect.stringMatching(/^OIDC_ENCRYPTION_KEY is required/)]);
    expect(problems({ ...PROD, OIDC_ENCRYPTION_KEY: 'short' })).toEqual([
      expect.stringMatching(/^OIDC_ENCRYPTION_KEY must be 32 bytes/),
    ]);
    const shared = randomBytes(32).toString('base64');
    expect(problems({ ...PROD, JWT_SECRET: shared, OIDC_ENCRYPTION_KEY: shared })).toContainEqual(
      expect.stringMatching(/^OIDC_ENCRYPTION_KEY must differ/),
    );
    expect(problems({ ...PROD, OIDC_ENCRYPTION_KEY: randomBytes(32).toString('hex') })).toEqual([]);
  });

  it('lists resources as absolute URLs and their scopes', () => {
    const config = loadConfig({
      OIDC_RESOURCES: 'https://api.example.com/, https://wiki.example.com/api',
      OIDC_RESOURCE_SCOPES: 'read write admin',
    });
    expect(config.oidc.resources).toEqual([
      'https://api.example.com/',
      'https://wiki.example.com/api',
    ]);
    expect(config.oidc.resourceScopes).toEqual(['read', 'write', 'admin']);
    expect(problems({ OIDC_RESOURCES: 'not-a-url' })).toEqual([
      expect.stringMatching(/^OIDC_RESOURCES entry "not-a-url"/),
    ]);
    expect(problems({ OIDC_RESOURCE_SCOPES: 'read  write' })).toEqual([
      expect.stringMatching(/^OIDC_RESOURCE_SCOPES must be/),
    ]);
  });
});
