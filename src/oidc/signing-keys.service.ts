import { Injectable } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/crypto/secret-box';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { Actor } from '../users/user-administration.service';
import { OidcSigningKey } from './entities/oidc-signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';

/** ES256 signs by default; RS256 is there for clients that cannot verify anything else. */
export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;

/**
 * A retired key stays published this long: longer than anything it signed lives (ID tokens and JWT access
 * tokens at most an hour, logout tokens minutes).
 */
export const RETIRED_KEY_KEEP_MS = 2 * 3_600_000;

/** The provider's signing keys: generated on first start, private halves encrypted at rest, rotated by the CLI. */
@Injectable()
export class SigningKeysService {
  private readonly box: SecretBox;

  constructor(
    private readonly keys: SigningKeysRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.box = new SecretBox(config.oidc.encryptionKey);
  }

  /** The private JWKS for the provider, creating the first key of each algorithm when there is none. */
  async privateJwks(): Promise<JWK[]> {
    let rows = await this.keys.all();
    const missing = SIGNING_ALGORITHMS.filter(
      (alg) => !rows.some((row) => row.alg === alg && !row.retiredAt),
    );
    if (missing.length > 0) {
      await this.unitOfWork.run(async () => {
        for (const alg of missing) await this.keys.insert(await this.generate(alg));
      });
      rows = await this.keys.all();
    }
    return rows.map((row) => this.open(row));
  }

  /** The key ids currently stored, to notice a rotation made by another process. */
  async kids(): Promise<string> {
    return (await this.keys.all()).map((row) => row.kid).join(',');
  }

  /**
   * Adds a new key for every algorithm and retires the previous ones: they keep verifying (published in the
   * JWKS) until everything they signed has expired, then the purge deletes them. Audited.
   */
  async rotate(actor: Actor): Promise<string[]> {
    const now = this.clock.now();
    const added: string[] = [];
    for (const alg of SIGNING_ALGORITHMS) {
      const key = await this.generate(alg);
      await this.keys.insert(key);
      await this.keys.retireActive(alg, key.kid, now);
      added.push(key.kid);
    }
    await this.audit.record({
      action: AuditAction.OidcKeyRotated,
      outcome: 'success',
      actorUserId: actor.userId,
      resourceType: 'oidc_signing_key',
      resourceId: added[0],
      details: { added: added.join(' '), ...actor.details },
      meta: actor.meta,
    });
    return added;
  }

  /** Deletes retired keys whose tokens have all expired. */
  purgeRetired(): Promise<number> {
    return this.keys.deleteRetiredBefore(
      new Date(this.clock.now().getTime() - RETIRED_KEY_KEEP_MS),
    );
  }

  private async generate(alg: (typeof SIGNING_ALGORITHMS)[number]): Promise<OidcSigningKey> {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk);
    return Object.assign(new OidcSigningKey(), {
      kid,
      alg,
      sealedPrivateJwk: this.box.seal(JSON.stringify({ ...jwk, kid, alg, use: 'sig' }), kid),
      createdAt: this.clock.now(),
      retiredAt: null,
    });
  }

  private open(row: OidcSigningKey): JWK {
    return JSON.parse(this.box.open(row.sealedPrivateJwk, row.kid)) as JWK;
  }
}
