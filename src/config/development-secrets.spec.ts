import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { ConfigModule } from './config.module';
import { resolveDevelopmentSecrets } from './development-secrets';

const SECRET = 'kX9f3Qm2Lp8Zr7Tb4Wc6Yd1Nh5Vg0Js-Ae_Uo';
const dataDir = () => mkdtempSync(join(tmpdir(), 'aegis-config-'));

describe('resolveDevelopmentSecrets', () => {
  it('generates a development JWT secret once and keeps it private in the data folder', () => {
    const dir = dataDir();
    const first = resolveDevelopmentSecrets(loadConfig({ DATA_DIR: dir }));
    const second = resolveDevelopmentSecrets(loadConfig({ DATA_DIR: dir }));
    expect(first.jwt.key!.export().equals(second.jwt.key!.export())).toBe(true);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim().length).toBeGreaterThanOrEqual(48);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
  });

  it('signs with the secret kept in DATA_DIR/jwt-secret', () => {
    const dir = dataDir();
    writeFileSync(
      join(dir, 'jwt-secret'),
      `${'Hq3mZ8vR1tY6uI0oP4aS7dF2gJ9kL5xC-bN_wE3rT6yU1iO8'}\n`,
    );
    const config = resolveDevelopmentSecrets(loadConfig({ DATA_DIR: dir }));
    expect(config.jwt.key!.export().toString()).toBe(
      'Hq3mZ8vR1tY6uI0oP4aS7dF2gJ9kL5xC-bN_wE3rT6yU1iO8',
    );
    expect(config.jwt.keySource).toBe('development-file');
  });

  it('leaves a configuration with JWT_SECRET and both encryption keys as it is, and writes nothing', () => {
    const dir = dataDir();
    const config = loadConfig({
      DATA_DIR: dir,
      JWT_SECRET: SECRET,
      OIDC_ENCRYPTION_KEY: 'a'.repeat(64),
      MFA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    });
    expect(resolveDevelopmentSecrets(config)).toBe(config);
    expect(existsSync(join(dir, 'jwt-secret'))).toBe(false);
    expect(existsSync(join(dir, 'oidc-encryption-key'))).toBe(false);
    expect(existsSync(join(dir, 'mfa-encryption-key'))).toBe(false);
  });

  it('generates the OpenID encryption key once into DATA_DIR (mode 0600) and reads it back', () => {
    const dir = dataDir();
    const first = resolveDevelopmentSecrets(loadConfig({ DATA_DIR: dir, JWT_SECRET: SECRET }));
    expect(first.oidc.keySource).toBe('development-file');
    expect(first.oidc.encryptionKey).toHaveLength(32);
    expect(statSync(join(dir, 'oidc-encryption-key')).mode & 0o777).toBe(0o600);
    const again = resolveDevelopmentSecrets(loadConfig({ DATA_DIR: dir, JWT_SECRET: SECRET }));
    expect(again.oidc.encryptionKey).toEqual(first.oidc.encryptionKey);
  });

  it('generates the development MFA encryption key once (32 bytes, mode 0600), like the JWT secret', () => {
    const dir = dataDir();
    const first = resolveDevelopmentSecrets(loadConfig({ DATA_DIR: dir, JWT_SECRET: SECRET }));
    const second = resolveDevelopmentSecrets(loadConfig({ DATA_DIR: dir, JWT_SECRET: SECRET }));
    expect(first.mfa.keySource).toBe('development-file');
    expect(first.mfa.encryptionKey).toHaveLength(32);
    expect(first.mfa.encryptionKey.equals(second.mfa.encryptionKey)).toBe(true);
    expect(first.mfa.encryptionKey.equals(Buffer.alloc(32))).toBe(false);
    expect(statSync(join(dir, 'mfa-encryption-key')).mode & 0o777).toBe(0o600);
  });

  it('refuses an AUDIT_HMAC_KEY or JWT_SECRET_PREVIOUS equal to the development secret', () => {
    const dir = dataDir();
    writeFileSync(
      join(dir, 'jwt-secret'),
      `${'Hq3mZ8vR1tY6uI0oP4aS7dF2gJ9kL5xC-bN_wE3rT6yU1iO8'}\n`,
    );
    const withKey = (env: Record<string, string>) => () =>
      resolveDevelopmentSecrets(loadConfig({ DATA_DIR: dir, ...env }));
    expect(withKey({ AUDIT_HMAC_KEY: 'Hq3mZ8vR1tY6uI0oP4aS7dF2gJ9kL5xC-bN_wE3rT6yU1iO8' })).toThrow(
      ConfigError,
    );
    expect(withKey({ AUDIT_HMAC_KEY: 'Hq3mZ8vR1tY6uI0oP4aS7dF2gJ9kL5xC-bN_wE3rT6yU1iO8' })).toThrow(
      /AUDIT_HMAC_KEY must differ from JWT_SECRET/,
    );
    expect(
      withKey({ JWT_SECRET_PREVIOUS: 'Hq3mZ8vR1tY6uI0oP4aS7dF2gJ9kL5xC-bN_wE3rT6yU1iO8' }),
    ).toThrow(/JWT_SECRET_PREVIOUS must differ from JWT_SECRET/);
  });
});

describe('ConfigModule', () => {
  it('refuses a configuration still waiting for its development secret', () => {
    const pending = loadConfig({ DATA_DIR: dataDir() });
    expect(() => ConfigModule.forRoot(pending)).toThrow(/resolveDevelopmentSecrets/);
    expect(ConfigModule.forRoot(resolveDevelopmentSecrets(pending)).providers).toHaveLength(1);
  });
});
