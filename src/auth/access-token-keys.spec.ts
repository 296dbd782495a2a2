import { createSecretKey } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import type { OpenedSigningKey } from '../signing-keys/signing-key-store.service';
import { SigningKeyStore } from '../signing-keys/signing-key-store.service';
import { FrozenClock, NOW } from '../../test/support/auth-fixtures';
import { newTestService, provide } from '../../test/support/test-service';
import { AccessTokenKeys } from './access-token-keys';

const MINUTE = 60_000;
/** How long a retired key verifies (the access-token TTL plus the margin, as the store says). */
const KEEP_MS = 20 * MINUTE;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);
const LEGACY = createSecretKey(Buffer.from('legacy-secret-that-is-long-enough-0123456789'));

async function storedKey(
  kid: string,
  activatesAt: Date,
  retiredAt: Date | null,
): Promise<OpenedSigningKey> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, alg: 'ES256', activatesAt, retiredAt, privateJwk };
}

async function setup(keys: OpenedSigningKey[], legacy?: typeof LEGACY) {
  const clock = new FrozenClock();
  const { service, double } = newTestService(
    AccessTokenKeys,
    provide(Clock, clock),
    provide(AppConfig, { jwt: { key: legacy, previousKey: undefined } } as unknown as AppConfig),
  );
  const store = double(SigningKeyStore);
  store.keysOf.mockResolvedValue(keys);
  store.stampOf.mockResolvedValue('stamp-1');
  store.keepMs.mockReturnValue(KEEP_MS);
  await service.onModuleInit();
  return { keys: service, store, clock };
}

describe('AccessTokenKeys: a key is next, then current, then retired, then gone', () => {
  let old: OpenedSigningKey;
  let rotated: OpenedSigningKey;

  beforeAll(async () => {
    // A rotation at NOW with a one-minute activation delay: the old key retires when the new one activates.
    old = await storedKey('old', at(-60), at(1));
    rotated = await storedKey('new', at(1), null);
  });

  it('publishes and verifies the next key, but keeps signing with the current one until the activation', async () => {
    const { keys } = await setup([rotated, old]);
    expect(keys.signing().kid).toBe('old');
    expect(keys.forKid('new', 'ES256')).toBeDefined();
    expect(keys.publicJwks().map((key) => key.kid)).toEqual(['new', 'old']);
    expect(keys.publicJwks().every((key) => key.d === undefined && key.alg === 'ES256')).toBe(true);
  });

  it('signs with the new key from its activation on; the retired one verifies until its tokens expired', async () => {
    const { keys, clock } = await setup([rotated, old]);
    clock.current = at(1);
    expect(keys.signing().kid).toBe('new');
    expect(keys.forKid('old', 'ES256')).toBeDefined();
    clock.current = new Date(at(1).getTime() + KEEP_MS - 1);
    expect(keys.forKid('old', 'ES256')).toBeDefined();
    clock.current = new Date(at(1).getTime() + KEEP_MS);
    expect(keys.forKid('old', 'ES256')).toBeUndefined();
    expect(keys.publicJwks().map((key) => key.kid)).toEqual(['new']);
  });

  it('keeps signing with the key just retired when its successor never reached this instance', async () => {
    const { keys, clock } = await setup([old]);
    clock.current = at(2);
    expect(keys.signing().kid).toBe('old');
  });

  it("verifies a key only under its own algorithm: an HS256 header naming an ES256 key's kid gets no key", async () => {
    const { keys } = await setup([rotated, old], LEGACY);
    expect(keys.forKid('old', 'HS256')).toBeUndefined();
    expect(keys.forKid('old', 'none')).toBeUndefined();
    expect(keys.algorithms).toEqual(['ES256', 'HS256']);
  });

  it('verifies the legacy JWT_SECRET by its kid under HS256 only, and accepts HS256 at all only while it is set', async () => {
    const withLegacy = (await setup([old], LEGACY)).keys;
    const legacyKid = 'lOqT06eo340fovw7'; // HMAC-SHA256 of a fixed text under the secret, as tokens before carried it
    expect(withLegacy.forKid(legacyKid, 'HS256')).toBe(LEGACY);
    expect(withLegacy.forKid(legacyKid, 'ES256')).toBeUndefined();
    expect((await setup([old])).keys.algorithms).toEqual(['ES256']);
  });
});

describe('AccessTokenKeys: learning of keys rotated elsewhere', () => {
  it('reloads when the stamp changed, and only then', async () => {
    const current = await storedKey('current', at(-60), null);
    const { keys, store } = await setup([current]);
    expect(store.keysOf).toHaveBeenCalledTimes(1);
    expect(await keys.refresh()).toBe(false);
    expect(store.keysOf).toHaveBeenCalledTimes(1);

    const added = await storedKey('added', at(1), null);
    store.keysOf.mockResolvedValue([added, current]);
    store.stampOf.mockResolvedValue('stamp-2');
    expect(await keys.refresh()).toBe(true);
    expect(keys.forKid('added', 'ES256')).toBeDefined();
  });

  it('reads the key table for an unknown kid at most once a second', async () => {
    const current = await storedKey('current', at(-60), null);
    const { keys, store } = await setup([current]);
    const added = await storedKey('added', at(-1), null);
    store.keysOf.mockResolvedValue([added, current]);
    expect(await keys.forKidReloading('added', 'ES256')).toBeDefined();
    expect(store.keysOf).toHaveBeenCalledTimes(2);
    expect(await keys.forKidReloading('made-up', 'ES256')).toBeUndefined();
    expect(await keys.forKidReloading('made-up-too', 'ES256')).toBeUndefined();
    expect(store.keysOf).toHaveBeenCalledTimes(2);
  });
});
