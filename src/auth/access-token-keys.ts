import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { PeriodicJob } from '../jobs/periodic-job.decorator';
import {
  SigningKeyPurpose,
  signingKeyAt,
  signingKeyState,
} from '../signing-keys/signing-key-kinds';
import { SigningKeyStore } from '../signing-keys/signing-key-store.service';

/** The algorithm of the keys in the database; HS256 is that of JWT_SECRET, which only verifies. */
export type AccessTokenAlgorithm = 'ES256' | 'HS256';

export interface AccessTokenSigningKey {
  kid: string;
  alg: AccessTokenAlgorithm;
  key: KeyObject;
}

interface StoredKey extends AccessTokenSigningKey {
  activatesAt: Date;
  retiredAt: Date | null;
  publicKey: KeyObject;
}

/** A token naming an unknown kid reads the key table at most this often (a rotation the poll has not seen yet). */
const UNKNOWN_KID_RELOAD_INTERVAL_MS = 1_000;

/**
 * The keys of Aegis's access tokens, held in memory: no database read per request. ES256 keys come from the
 * signing-key store (OIDC's, under another purpose): every instance polls it (SIGNING_KEY_POLL_INTERVAL), and
 * a new key is published and verifies from its creation but signs only from its activation, by then known to
 * every instance. JWT_SECRET and JWT_SECRET_PREVIOUS, when set, verify the HS256 tokens minted before, never sign.
 */
@Injectable()
export class AccessTokenKeys implements OnModuleInit {
  private readonly logger = new Logger(AccessTokenKeys.name);
  private stored = new Map<string, StoredKey>();
  private readonly legacy: Map<string, KeyObject>;
  private stamp = '';
  private lastKidMissReload = -Infinity;
  private reloading?: Promise<void>;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    const secrets = [config.jwt.key, config.jwt.previousKey].filter(
      (key): key is KeyObject => key !== undefined,
    );
    this.legacy = new Map(secrets.map((key) => [legacyKidOf(key), key]));
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  /** The algorithms a token may carry: ES256, and HS256 while a legacy secret is configured. */
  get algorithms(): AccessTokenAlgorithm[] {
    return this.legacy.size > 0 ? ['ES256', 'HS256'] : ['ES256'];
  }

  /**
   * The key that signs now: the latest activated of the stored keys. Should this instance have missed the
   * polls for longer than the activation delay (its successor unknown here), the key just retired still
   * signs: every instance verifies it for the access-token lifetime and more, while the next poll catches up.
   */
  signing(): AccessTokenSigningKey {
    const now = this.clock.now();
    const keys = [...this.stored.values()];
    const key =
      signingKeyAt(keys, now, this.keepMs) ??
      keys
        .filter((candidate) => signingKeyState(candidate, now, this.keepMs) === 'retired')
        .sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime())[0];
    if (key === undefined) throw new Error('No access-token signing key is loaded');
    return { kid: key.kid, alg: key.alg, key: key.key };
  }

  /** The key that verifies a token of this kid and algorithm, from memory; undefined for anything else. */
  forKid(kid: string, alg: unknown): KeyObject | undefined {
    const stored = this.stored.get(kid);
    if (stored !== undefined)
      return stored.alg === alg &&
        signingKeyState(stored, this.clock.now(), this.keepMs) !== 'expired'
        ? stored.publicKey
        : undefined;
    return alg === 'HS256' ? this.legacy.get(kid) : undefined;
  }

  /**
   * As forKid, but a kid this instance does not know may first read the key table again (at most once per
   * second): a key another instance signs with is normally known here long before, this covers the rest.
   */
  async forKidReloading(kid: string, alg: unknown): Promise<KeyObject | undefined> {
    const known = this.forKid(kid, alg);
    if (known !== undefined || this.stored.has(kid) || this.legacy.has(kid)) return known;
    if (this.reloading === undefined) {
      if (performance.now() - this.lastKidMissReload < UNKNOWN_KID_RELOAD_INTERVAL_MS)
        return undefined;
      this.lastKidMissReload = performance.now();
    }
    await this.reloadOnce();
    return this.forKid(kid, alg);
  }

  /** The public keys that verify now (next, current and retired ones), as a JWK Set for tools. */
  publicJwks(): JsonWebKey[] {
    return [...this.stored.values()]
      .filter((key) => signingKeyState(key, this.clock.now(), this.keepMs) !== 'expired')
      .map((key) => ({
        ...key.publicKey.export({ format: 'jwk' }),
        kid: key.kid,
        alg: key.alg,
        use: 'sig',
      }));
  }

  /** Picks up keys added, activated or retired elsewhere (the CLI); reads only the key stamps when nothing changed. */
  @PeriodicJob('access-token-keys-refresh')
  async refresh(): Promise<boolean> {
    if ((await this.store.stampOf(SigningKeyPurpose.AccessToken)) === this.stamp) return false;
    await this.reloadOnce();
    return true;
  }

  private get keepMs(): number {
    return this.store.keepMs(SigningKeyPurpose.AccessToken);
  }

  private reloadOnce(): Promise<void> {
    this.reloading ??= this.reload().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async reload(): Promise<void> {
    const keys = await this.store.keysOf(SigningKeyPurpose.AccessToken);
    const stamp = await this.store.stampOf(SigningKeyPurpose.AccessToken);
    const next = new Map<string, StoredKey>();
    for (const key of keys) {
      const privateKey =
        this.stored.get(key.kid)?.key ?? createPrivateKey({ key: key.privateJwk, format: 'jwk' });
      next.set(key.kid, {
        kid: key.kid,
        alg: key.alg as AccessTokenAlgorithm,
        activatesAt: key.activatesAt,
        retiredAt: key.retiredAt,
        key: privateKey,
        publicKey: createPublicKey(privateKey),
      });
    }
    if (this.stamp !== '' && stamp !== this.stamp)
      this.logger.log(`Access-token keys changed: ${[...next.keys()].join(', ')}`);
    this.stored = next;
    this.stamp = stamp;
  }
}

/** The kid of a legacy HS256 key: an HMAC of it, so it reveals nothing a signature does not already. */
function legacyKidOf(key: KeyObject): string {
  return createHmac('sha256', key)
    .update('aegis access-token key id')
    .digest('base64url')
    .slice(0, 16);
}
