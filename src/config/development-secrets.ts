import { createSecretKey, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type AppConfig } from './app-config';

/**
 * Outside production an unset JWT_SECRET is generated once and kept in the data folder (mode 0600), so tokens
 * survive restarts without anyone committing a secret.
 */
function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

/**
 * Start-up work that parsing must not do: when the configuration waits for the development JWT secret
 * (`jwt.keySource` `pending`), reads DATA_DIR/jwt-secret, creating it the first time, and returns the
 * configuration signing with it. Any other configuration is returned as it is. Call it before the app is built.
 */
export function resolveDevelopmentSecrets(config: AppConfig): AppConfig {
  return resolveOidcEncryptionKey(resolveJwtSecret(config));
}

/**
 * Outside production an unset OIDC_ENCRYPTION_KEY is generated once into DATA_DIR/oidc-encryption-key (mode
 * 0600): the provider's signing keys stay readable across restarts and the key never sits in the database.
 */
function resolveOidcEncryptionKey(config: AppConfig): AppConfig {
  if (config.oidc.keySource !== 'pending') return config;
  const file = join(config.dataDir, 'oidc-encryption-key');
  let key: Buffer;
  if (existsSync(file)) key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  else {
    mkdirSync(config.dataDir, { recursive: true });
    key = randomBytes(32);
    writeFileSync(file, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  if (key.length !== 32)
    throw new ConfigError([`${file} must hold 32 bytes in base64url (delete it to start afresh)`]);
  return { ...config, oidc: { ...config.oidc, encryptionKey: key, keySource: 'development-file' } };
}

function resolveJwtSecret(config: AppConfig): AppConfig {
  if (config.jwt.keySource !== 'pending') return config;
  const key = createSecretKey(Buffer.from(readOrCreateSecret(config.dataDir)));
  // The rules loadConfig applies to JWT_SECRET, applied to the secret it could not see.
  const problems: string[] = [];
  if (config.jwt.previousKey?.equals(key))
    problems.push('JWT_SECRET_PREVIOUS must differ from JWT_SECRET (DATA_DIR/jwt-secret)');
  if (config.audit.hmacKey?.equals(key))
    problems.push('AUDIT_HMAC_KEY must differ from JWT_SECRET (DATA_DIR/jwt-secret)');
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, jwt: { ...config.jwt, key, keySource: 'development-file' } };
}
