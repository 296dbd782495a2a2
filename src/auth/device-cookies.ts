import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';

/**
 * OWASP's device cookies against lockout as denial of service: a successful login hands the browser a signed
 * token naming the account and a random device id. A later attempt that shows a valid one for the account is
 * counted in that device's own failure budget, so an attacker locking the account from elsewhere (the shared
 * budget of untrusted clients) does not lock out the owner's browser. The key is derived from JWT_SECRET while
 * it is set (so device cookies issued before access tokens moved to keys in the database stay valid), else from
 * OIDC_ENCRYPTION_KEY. Replacing or removing that secret only sends every browser back to the shared budget until
 * its next login.
 */
@Injectable()
export class DeviceCookies {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = createHmac('sha256', config.jwt.key ?? config.oidc.encryptionKey)
      .update('aegis device cookie v1')
      .digest();
  }

  /** A new device token for this account: `<user id>.<device id>.<signature>`. */
  issue(userId: string): string {
    const deviceId = randomBytes(16).toString('base64url');
    return `${userId}.${deviceId}.${this.sign(userId, deviceId)}`;
  }

  /** The device id of an authentic token for `userId`; null for anything else (absent, forged, other account). */
  deviceOf(token: string | undefined, userId: string): string | null {
    const parts = token?.split('.');
    if (parts?.length !== 3) return null;
    const [owner, deviceId, signature] = parts;
    if (owner !== userId || !/^[A-Za-z0-9_-]{22}$/.test(deviceId)) return null;
    const expected = Buffer.from(this.sign(owner, deviceId));
    const presented = Buffer.from(signature);
    return presented.length === expected.length && timingSafeEqual(presented, expected)
      ? deviceId
      : null;
  }

  private sign(userId: string, deviceId: string): string {
    return createHmac('sha256', this.key).update(`${userId}.${deviceId}`).digest('base64url');
  }
}
