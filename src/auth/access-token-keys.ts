import { Injectable } from '@nestjs/common';
import { createHmac, type KeyObject } from 'node:crypto';
import { AppConfig } from '../config/app-config';

export interface AccessTokenKey {
  /** The `kid` header of tokens signed with this key. */
  kid: string;
  key: KeyObject;
}

/**
 * The HS256 keys: JWT_SECRET signs and verifies; JWT_SECRET_PREVIOUS (during a rollover) only verifies.
 * A token's `kid` header picks the key, so a rollover needs no guessing and no second verification.
 * The kid is derived from the key (an HMAC, so it reveals nothing about the secret a signature does not
 * already), which means operators configure secrets only.
 */
@Injectable()
export class AccessTokenKeys {
  readonly signing: AccessTokenKey;
  private readonly byKid: Map<string, KeyObject>;

  constructor(config: AppConfig) {
    this.signing = withKid(config.jwt.key);
    const keys = [this.signing];
    if (config.jwt.previousKey !== undefined) keys.push(withKid(config.jwt.previousKey));
    this.byKid = new Map(keys.map((entry) => [entry.kid, entry.key]));
  }

  /** The verification key a `kid` names, or undefined for a kid this service never issued. */
  forKid(kid: string): KeyObject | undefined {
    return this.byKid.get(kid);
  }
}

function withKid(key: KeyObject): AccessTokenKey {
  const kid = createHmac('sha256', key)
    .update('aegis access-token key id')
    .digest('base64url')
    .slice(0, 16);
  return { kid, key };
}
