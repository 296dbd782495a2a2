import { createSecretKey, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type AppConfig } from './app-config';
import { decodeEncryptionKey } from './schema/mfa.schema';

/**
 * Outside production an unset JWT_SECRET (or MFA_ENCRYPTION_KEY) is generated once and kept in the data folder
 * (mode 0600), so tokens and second-factor secrets survive restarts without anyone committing a secret.
 */
function readOrCreateSecret(dataDir: string, name: string, bytes: number): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(bytes).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

/** The development key of second-factor secrets (DATA_DIR/mfa-encryption-key), when MFA_ENCRYPTION_KEY is unset. */
function resolveMfaKey(config: AppConfig): AppConfig {
  if (config.mfa.keySource !== 'pending') return config;
  const text = readOrCreateSecret(config.dataDir, 'mfa-encryption-key', 32);
  const encryptionKey = decodeEncryptionKey(text);
  if (encryptionKey === undefined)
    throw new ConfigError([
      'DATA_DIR/mfa-encryption-key must hold 32 bytes as base64 or 64 hex digits',
    ]);
  return { ...config, mfa: { ...config.mfa, encryptionKey, keySource: 'development-file' } };
}

/**
 * Start-up work that parsing must not do: when the configuration waits for the development JWT secret
 * (`jwt.keySource` `pending`), reads DATA_DIR/jwt-secret, creating it the first time, and returns the
 * configuration signing with it; likewise DATA_DIR/mfa-encryption-key and DATA_DIR/oidc-encryption-key for a `pending` `mfa.keySource` / `oidc.keySource`. Any other configuration is returned as it is. Call it before the app is built.
 */
export function resolveDevelopmentSecrets(given: AppConfig): AppConfig {
  return resolveOidcKey(resolveJwtSecret(resolveMfaKey(given)));
}

/**
 * The development key of the OpenID provider's signing keys at rest (DATA_DIR/oidc-encryption-key), when
 * OIDC_ENCRYPTION_KEY is unset: the signing keys stay readable across restarts and the key never sits in the database.
 */
function resolveOidcKey(config: AppConfig): AppConfig {
  if (config.oidc.keySource !== 'pending') return config;
  const encryptionKey = decodeEncryptionKey(
    readOrCreateSecret(config.dataDir, 'oidc-encryption-key', 32),
  );
  if (encryptionKey === undefined)
    throw new ConfigError([
      'DATA_DIR/oidc-encryption-key must hold 32 bytes as base64 or 64 hex digits',
    ]);
  return { ...config, oidc: { ...config.oidc, encryptionKey, keySource: 'development-file' } };
}

function resolveJwtSecret(config: AppConfig): AppConfig {
  if (config.jwt.keySource !== 'pending') return config;
  const key = createSecretKey(Buffer.from(readOrCreateSecret(config.dataDir, 'jwt-secret', 48)));
  // The rules loadConfig applies to JWT_SECRET, applied to the secret it could not see.
  const problems: string[] = [];
  if (config.jwt.previousKey?.equals(key))
    problems.push('JWT_SECRET_PREVIOUS must differ from JWT_SECRET (DATA_DIR/jwt-secret)');
  if (config.audit.hmacKey?.equals(key))
    problems.push('AUDIT_HMAC_KEY must differ from JWT_SECRET (DATA_DIR/jwt-secret)');
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, jwt: { ...config.jwt, key, keySource: 'development-file' } };
}
