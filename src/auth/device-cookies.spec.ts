import { createSecretKey } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { DeviceCookies } from './device-cookies';

const USER = '0b7c8f8e-5d0e-4a8e-9d3e-3f6f1c2b9a10';
const configOf = (jwtSecret: string | undefined, oidcKeyByte: number) =>
  ({
    jwt: { key: jwtSecret === undefined ? undefined : createSecretKey(Buffer.from(jwtSecret)) },
    oidc: { encryptionKey: Buffer.alloc(32, oidcKeyByte) },
  }) as unknown as AppConfig;

describe('DeviceCookies: the key behind them', () => {
  const SECRET = 'legacy-secret-that-is-long-enough-0123456789';

  it('keeps honouring cookies issued under JWT_SECRET while it is set, whatever the encryption key', () => {
    const issued = new DeviceCookies(configOf(SECRET, 1)).issue(USER);
    expect(new DeviceCookies(configOf(SECRET, 2)).deviceOf(issued, USER)).not.toBeNull();
  });

  it('without JWT_SECRET, keys them by OIDC_ENCRYPTION_KEY: every instance honours them, another key does not', () => {
    const issued = new DeviceCookies(configOf(undefined, 1)).issue(USER);
    expect(new DeviceCookies(configOf(undefined, 1)).deviceOf(issued, USER)).not.toBeNull();
    expect(new DeviceCookies(configOf(undefined, 2)).deviceOf(issued, USER)).toBeNull();
    // Removing JWT_SECRET only sends a browser back to the shared budget until its next login.
    expect(new DeviceCookies(configOf(SECRET, 1)).deviceOf(issued, USER)).toBeNull();
  });
});
