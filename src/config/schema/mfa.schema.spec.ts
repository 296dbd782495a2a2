import { ConfigError, loadConfig } from '../app-config';

const KEY = 'q7Vd2mX9pL4sT8wZ1cR6yN3bH5kF0jGa8eU2iO4xQ1s=';
const PRODUCTION = {
  AEGIS_ENV: 'production',
  OIDC_ENCRYPTION_KEY: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
  JWT_SECRET: 'kX9f3Qm2Lp8Zr7Tb4Wc6Yd1Nh5Vg0Js-Ae_Uo',
  PUBLIC_URL: 'https://aegis.example.com',
  METRICS_PUBLIC: 'true',
};
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('MFA configuration', () => {
  it('requires MFA_ENCRYPTION_KEY in production and takes 32 bytes as base64 or hex', () => {
    expect(problemsOf(PRODUCTION)).toContainEqual(
      expect.stringMatching(/^MFA_ENCRYPTION_KEY is required when AEGIS_ENV=production/),
    );
    const config = loadConfig({ ...PRODUCTION, MFA_ENCRYPTION_KEY: KEY });
    expect(config.mfa.encryptionKey).toEqual(Buffer.from(KEY, 'base64'));
    expect(config.mfa.keySource).toBe('env');
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ MFA_ENCRYPTION_KEY: hex }).mfa.encryptionKey).toEqual(
      Buffer.from(hex, 'hex'),
    );
  });

  it('refuses a key of the wrong size or equal to JWT_SECRET, without printing it', () => {
    const short = problemsOf({ MFA_ENCRYPTION_KEY: 'c2hvcnQta2V5' });
    expect(short).toEqual([expect.stringMatching(/^MFA_ENCRYPTION_KEY must be 32 bytes/)]);
    expect(short.join()).not.toContain('c2hvcnQta2V5');
    expect(problemsOf({ MFA_ENCRYPTION_KEY: KEY, JWT_SECRET: KEY })).toContainEqual(
      'MFA_ENCRYPTION_KEY must differ from JWT_SECRET and AUDIT_HMAC_KEY',
    );
  });

  it('requires a second factor of admins by default in production only; none or a list overrides', () => {
    expect(loadConfig({}).mfa.requiredRoles).toEqual([]);
    const production = { ...PRODUCTION, MFA_ENCRYPTION_KEY: KEY };
    expect(loadConfig(production).mfa.requiredRoles).toEqual(['admin']);
    expect(loadConfig({ ...production, MFA_REQUIRED_ROLES: 'none' }).mfa.requiredRoles).toEqual([]);
    expect(loadConfig({ MFA_REQUIRED_ROLES: 'Admin, user' }).mfa.requiredRoles).toEqual([
      'admin',
      'user',
    ]);
    expect(problemsOf({ MFA_REQUIRED_ROLES: 'root' })).toEqual([
      'MFA_REQUIRED_ROLES entry "root" is not a role (admin, user) or none',
    ]);
  });

  it('reads REAUTH_WINDOW as a duration, 5 minutes by default', () => {
    expect(loadConfig({}).mfa.reauthWindowMs).toBe(300_000);
    expect(loadConfig({ REAUTH_WINDOW: '90s' }).mfa.reauthWindowMs).toBe(90_000);
  });
});
