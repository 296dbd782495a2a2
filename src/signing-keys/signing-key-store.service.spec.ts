import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { FrozenClock, NOW } from '../../test/support/auth-fixtures';
import { newTestService, provide } from '../../test/support/test-service';
import { SigningKey } from './entities/signing-key.entity';
import { SigningKeyPurpose, signingKeyState } from './signing-key-kinds';
import { SigningKeyStore } from './signing-key-store.service';
import { SigningKeysRepository } from './signing-keys.repository';

const MINUTE = 60_000;
const CONFIG = {
  oidc: { encryptionKey: Buffer.alloc(32, 7) },
  accessTokenTtlMs: 15 * MINUTE,
  signingKeys: { pollIntervalMs: 5_000, activationDelayMs: MINUTE },
} as unknown as AppConfig;

function setup() {
  const clock = new FrozenClock();
  const { service, double } = newTestService(
    SigningKeyStore,
    provide(Clock, clock),
    provide(AppConfig, CONFIG),
  );
  double(UnitOfWork).run.mockImplementation((work) => work());
  const rows: SigningKey[] = [];
  const repository = double(SigningKeysRepository);
  repository.insert.mockImplementation((key) => Promise.resolve(void rows.push(key)));
  repository.ofPurpose.mockImplementation((purpose) =>
    Promise.resolve(rows.filter((row) => row.purpose === purpose)),
  );
  repository.stampsOf.mockImplementation((purpose) =>
    Promise.resolve(rows.filter((row) => row.purpose === purpose)),
  );
  repository.retireOthers.mockImplementation((purpose, alg, exceptKid, at) => {
    for (const row of rows)
      if (row.purpose === purpose && row.alg === alg && row.kid !== exceptKid && !row.retiredAt)
        row.retiredAt = at;
    return Promise.resolve();
  });
  return { store: service, rows, repository, audit: double(AuditService), clock };
}

describe('SigningKeyStore', () => {
  it('creates the first key of each kind signing at once, sealed (no private part in the row)', async () => {
    const { store, rows } = setup();
    const opened = await store.keysOf(SigningKeyPurpose.AccessToken);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ alg: 'ES256', activatesAt: NOW, retiredAt: null });
    expect(opened[0].privateJwk.d).toEqual(expect.any(String));
    expect(rows[0].sealedPrivateJwk).not.toContain(opened[0].privateJwk.d);
    expect(await store.keysOf(SigningKeyPurpose.OpenId)).toHaveLength(2);
    expect(rows.map((row) => row.purpose)).toEqual(['access_token', 'oidc', 'oidc']);
  });

  it('rotates every kind: the new keys sign after the activation delay, the old ones retire at that moment; audited per purpose', async () => {
    const { store, rows, audit } = setup();
    for (const purpose of Object.values(SigningKeyPurpose)) await store.keysOf(purpose);
    const before = rows.map((row) => row.kid);
    const added = await store.rotate({ userId: null, details: { source: 'cli' } });
    expect(added).toHaveLength(3);
    const activation = new Date(NOW.getTime() + MINUTE);
    for (const row of rows) {
      if (before.includes(row.kid)) expect(row.retiredAt).toEqual(activation);
      else expect(row).toMatchObject({ activatesAt: activation, retiredAt: null });
    }
    expect(audit.record.mock.calls.map(([entry]) => entry.action)).toEqual([
      AuditAction.OidcKeyRotated,
      AuditAction.AccessTokenKeyRotated,
    ]);
    expect(audit.record.mock.calls[1][0]).toMatchObject({
      resourceType: 'access_token_key',
      details: { added: added[2], activates_at: activation.toISOString(), source: 'cli' },
    });
  });

  it('changes the stamp instances poll when a key is added and again when it starts signing', async () => {
    const { store, clock } = setup();
    await store.keysOf(SigningKeyPurpose.AccessToken);
    const first = await store.stampOf(SigningKeyPurpose.AccessToken);
    await store.rotate({ userId: null });
    const rotated = await store.stampOf(SigningKeyPurpose.AccessToken);
    expect(rotated).not.toBe(first);
    clock.current = new Date(NOW.getTime() + MINUTE - 1);
    expect(await store.stampOf(SigningKeyPurpose.AccessToken)).toBe(rotated);
    clock.current = new Date(NOW.getTime() + MINUTE);
    expect(await store.stampOf(SigningKeyPurpose.AccessToken)).not.toBe(rotated);
  });

  it('refuses to open keys sealed under another OIDC_ENCRYPTION_KEY, saying so', async () => {
    const { store, rows } = setup();
    await store.keysOf(SigningKeyPurpose.AccessToken);
    rows[0].sealedPrivateJwk = rows[0].sealedPrivateJwk.slice(0, -4) + 'AAAA';
    await expect(store.keysOf(SigningKeyPurpose.AccessToken)).rejects.toThrow(
      /OIDC_ENCRYPTION_KEY is not the key it was sealed with/,
    );
  });

  it('keeps a retired access-token key for the token lifetime plus a margin, an OpenID key two hours; then purges it', async () => {
    const { store, repository, clock } = setup();
    expect(store.keepMs(SigningKeyPurpose.AccessToken)).toBe(20 * MINUTE);
    expect(store.keepMs(SigningKeyPurpose.OpenId)).toBe(120 * MINUTE);
    clock.current = new Date(NOW.getTime() + 180 * MINUTE);
    await store.purgeExpired();
    expect(repository.deleteRetiredBefore.mock.calls).toEqual([
      [SigningKeyPurpose.OpenId, new Date(NOW.getTime() + 60 * MINUTE)],
      [SigningKeyPurpose.AccessToken, new Date(NOW.getTime() + 160 * MINUTE)],
    ]);
  });
});

describe('signingKeyState', () => {
  const key = { activatesAt: new Date(1_000), retiredAt: new Date(5_000) };
  it.each([
    [999, 'next'],
    [1_000, 'current'],
    [4_999, 'current'],
    [5_000, 'retired'],
    [7_999, 'retired'],
    [8_000, 'expired'],
  ])('at %i ms is %s', (now, state) => {
    expect(signingKeyState(key, new Date(now), 3_000)).toBe(state);
  });
});
