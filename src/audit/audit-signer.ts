import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';

/** What a signature vouches for: a chain position and the hash of the event there. */
export interface SignedPosition {
  seq: number;
  hash: string;
}

/**
 * HMAC-SHA-256 with AUDIT_HMAC_KEY, a key that lives outside the database: someone who can rewrite the audit
 * tables (and recompute every hash) still cannot produce a signature that verifies. Without the key, nothing
 * is signed and verification checks the hash chain alone.
 */
@Injectable()
export class AuditSigner {
  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.audit.hmacKey !== undefined;
  }

  /** A checkpoint: "the event at `seq` had this hash". */
  signCheckpoint(position: SignedPosition): string | null {
    return this.mac(`aegis.audit.checkpoint.v1|${position.seq}|${position.hash}`);
  }

  /** The retention anchor: "events up to `seq` were purged on purpose, and this was the hash of the last one". */
  signAnchor(position: SignedPosition): string | null {
    return this.mac(`aegis.audit.anchor.v1|${position.seq}|${position.hash}`);
  }

  checkpointValid(position: SignedPosition, mac: string | null): boolean {
    return this.matches(this.signCheckpoint(position), mac);
  }

  anchorValid(position: SignedPosition, mac: string | null): boolean {
    return this.matches(this.signAnchor(position), mac);
  }

  private mac(message: string): string | null {
    const key = this.config.audit.hmacKey;
    return key === undefined ? null : createHmac('sha256', key).update(message).digest('hex');
  }

  private matches(expected: string | null, actual: string | null): boolean {
    if (expected === null || actual === null || expected.length !== actual.length) return false;
    return timingSafeEqual(Buffer.from(expected), Buffer.from(actual));
  }
}
