import { Injectable } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/crypto/secret-box';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { Actor } from '../users/user-administration.service';
import { SigningKey } from './entities/signing-key.entity';
import {
  SIGNING_KEY_KINDS,
  SigningKeyPurpose,
  signingKeyAt,
  signingKeyState,
  type SigningAlgorithm,
  type SigningKeyState,
} from './signing-key-kinds';
import { SigningKeysRepository } from './signing-keys.repository';

/**
 * How long an OpenID key stays published after retirement: longer than anything it signed lives (ID tokens and
 * JWT access tokens at most an hour, logout tokens minutes).
 */
const OIDC_RETIRED_KEEP_MS = 2 * 3_600_000;
/** Beyond the access-token lifetime: clock skew between instances and a token minted just before retirement. */
const ACCESS_TOKEN_RETIRED_MARGIN_MS = 5 * 60_000;

/** A stored key opened: its private JWK (kid, alg and use included) and where it is in its life. */
export interface OpenedSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  activatesAt: Date;
  retiredAt: Date | null;
  privateJwk: JWK;
}

const ROTATION_AUDIT: Record<SigningKeyPurpose, { action: AuditAction; resourceType: string }> = {
  [SigningKeyPurpose.OpenId]: {
    action: AuditAction.OidcKeyRotated,
    resourceType: 'oidc_signing_key',
  },
  [SigningKeyPurpose.AccessToken]: {
    action: AuditAction.AccessTokenKeyRotated,
    resourceType: 'access_token_key',
  },
};

/**
 * The one store of token signing keys (the OpenID provider's and Aegis's access-token keys): generated on first
 * start, private halves sealed at rest, rotated by the CLI. A rotation adds a key that signs only after the
 * activation delay, so that every instance publishes it before any instance signs with it; the key it replaces
 * signs until then and verifies until its tokens have expired.
 */
@Injectable()
export class SigningKeyStore {
  private readonly box: SecretBox;

  constructor(
    private readonly keys: SigningKeysRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.oidc.encryptionKey);
  }

  /** How long a retired key of `purpose` keeps verifying. */
  keepMs(purpose: SigningKeyPurpose): number {
    return purpose === SigningKeyPurpose.OpenId
      ? OIDC_RETIRED_KEEP_MS
      : this.config.accessTokenTtlMs + ACCESS_TOKEN_RETIRED_MARGIN_MS;
  }

  stateOf(key: Pick<SigningKey, 'activatesAt' | 'retiredAt' | 'purpose'>): SigningKeyState {
    return signingKeyState(key, this.clock.now(), this.keepMs(key.purpose));
  }

  /**
   * The keys of `purpose` that still verify, opened, creating the first key of each algorithm when none is in
   * use (a first start: no token exists that another instance could not verify, so it signs at once).
   */
  async keysOf(purpose: SigningKeyPurpose): Promise<OpenedSigningKey[]> {
    let rows = await this.keys.ofPurpose(purpose);
    const missing = SIGNING_KEY_KINDS.filter(
      (kind) =>
        kind.purpose === purpose &&
        !rows.some((row) => row.alg === kind.alg && row.retiredAt === null),
    );
    if (missing.length > 0) {
      const now = this.clock.now();
      await this.unitOfWork.run(async () => {
        for (const { alg } of missing)
          await this.keys.insert(await this.generate(purpose, alg, now));
      });
      rows = await this.keys.ofPurpose(purpose);
    }
    return rows
      .filter((row) => this.stateOf(row) !== 'expired')
      .map((row) => ({
        kid: row.kid,
        alg: row.alg as SigningAlgorithm,
        activatesAt: row.activatesAt,
        retiredAt: row.retiredAt,
        privateJwk: this.open(row),
      }));
  }

  /**
   * A short text that changes whenever a key of `purpose` is added, retired, deleted or starts signing: what
   * the instances poll to learn of a rotation made elsewhere, without reading or opening the private keys.
   */
  async stampOf(purpose: SigningKeyPurpose): Promise<string> {
    const stamps = await this.keys.stampsOf(purpose);
    const signing = SIGNING_KEY_KINDS.filter((kind) => kind.purpose === purpose).map(
      ({ alg }) =>
        signingKeyAt(
          stamps.filter((key) => key.alg === alg),
          this.clock.now(),
          this.keepMs(purpose),
        )?.kid,
    );
    const all = stamps.map((key) => `${key.kid}:${key.retiredAt?.getTime() ?? ''}`);
    return `${all.join(',')}|${signing.join(',')}`;
  }

  /** The opened keys ordered for a signer that takes the first key of an algorithm: the signing ones first. */
  signingFirst(keys: OpenedSigningKey[], purpose: SigningKeyPurpose): OpenedSigningKey[] {
    const signing = new Set(
      SIGNING_KEY_KINDS.filter((kind) => kind.purpose === purpose).map(
        ({ alg }) =>
          signingKeyAt(
            keys.filter((key) => key.alg === alg),
            this.clock.now(),
            this.keepMs(purpose),
          )?.kid,
      ),
    );
    return [
      ...keys.filter((key) => signing.has(key.kid)),
      ...keys.filter((key) => !signing.has(key.kid)),
    ];
  }

  /**
   * Adds a key of every kind, signing after the activation delay; the keys in use keep signing until then,
   * and verifying until their tokens have expired. Audited once per purpose. Returns the new kids.
   */
  async rotate(actor: Actor): Promise<string[]> {
    const now = this.clock.now();
    const activatesAt = new Date(now.getTime() + this.config.signingKeys.activationDelayMs);
    const added = new Map<SigningKeyPurpose, string[]>();
    for (const { purpose, alg } of SIGNING_KEY_KINDS) {
      const key = await this.generate(purpose, alg, now, activatesAt);
      await this.keys.insert(key);
      await this.keys.retireOthers(purpose, alg, key.kid, activatesAt);
      added.set(purpose, [...(added.get(purpose) ?? []), key.kid]);
    }
    for (const [purpose, kids] of added) {
      await this.audit.record({
        action: ROTATION_AUDIT[purpose].action,
        outcome: 'success',
        actorUserId: actor.userId,
        resourceType: ROTATION_AUDIT[purpose].resourceType,
        resourceId: kids[0],
        details: {
          added: kids.join(' '),
          activates_at: activatesAt.toISOString(),
          ...actor.details,
        },
        meta: actor.meta,
      });
    }
    return [...added.values()].flat();
  }

  /** Deletes retired keys whose tokens have all expired. */
  async purgeExpired(): Promise<number> {
    let deleted = 0;
    for (const purpose of Object.values(SigningKeyPurpose))
      deleted += await this.keys.deleteRetiredBefore(
        purpose,
        new Date(this.clock.now().getTime() - this.keepMs(purpose)),
      );
    return deleted;
  }

  private open(row: SigningKey): JWK {
    try {
      return JSON.parse(this.box.open(row.sealedPrivateJwk, row.kid)) as JWK;
    } catch {
      // Say what to fix rather than the cipher's words; never serve without the keys that sign.
      throw new Error(
        `The stored signing key ${row.kid} cannot be opened: OIDC_ENCRYPTION_KEY is not the key it was sealed with`,
      );
    }
  }

  private async generate(
    purpose: SigningKeyPurpose,
    alg: SigningAlgorithm,
    now: Date,
    activatesAt = now,
  ): Promise<SigningKey> {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk);
    return Object.assign(new SigningKey(), {
      kid,
      purpose,
      alg,
      sealedPrivateJwk: this.box.seal(JSON.stringify({ ...jwk, kid, alg, use: 'sig' }), kid),
      createdAt: now,
      activatesAt,
      retiredAt: null,
    });
  }
}
