import { createHmac, createPrivateKey } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { AccessTokenKeys } from '../src/auth/access-token-keys';
import { UnitOfWork } from '../src/database/unit-of-work';
import { OidcMaintenanceService } from '../src/oidc/oidc-maintenance.service';
import { SigningKeyPurpose } from '../src/signing-keys/signing-key-kinds';
import { SigningKeyStore } from '../src/signing-keys/signing-key-store.service';
import { logIn } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { decodeJwt, forgeJwt } from './support/jwt-forge';
import { expectProblem } from './support/security';
import { createTestDatabase } from './support/test-database';
import { createTestApp, type TestApp } from './support/test-app';

const me = (t: TestApp, token: string) =>
  t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);

const kidOf = (token: string) => decodeJwt(token).header.kid as string;

/** Rotates as `keys:rotate` does: in the store only (the instance learns of it by its poll). */
const rotate = (t: TestApp) =>
  t.app.get(UnitOfWork).run(() => t.app.get(SigningKeyStore).rotate({ userId: null }));

const publishedKids = async (t: TestApp) =>
  ((await t.http().get('/auth/jwks')).body as { keys: { kid: string }[] }).keys.map(
    (key) => key.kid,
  );

describe('access tokens signed with keys from the database', () => {
  let t: TestApp;
  let alice: UserFixture;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  it('publishes the access-token keys at /auth/jwks, where tools verify the tokens; the OpenID keys are not among them', async () => {
    const token = (await logIn(t, alice)).accessToken;
    const response = await t.http().get('/auth/jwks');
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    const keys = (response.body as { keys: JWK[] }).keys;
    expect(keys.every((key) => key.d === undefined && key.alg === 'ES256')).toBe(true);
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys }), {
      algorithms: ['ES256'],
      typ: 'at+jwt',
      issuer: 'aegis',
      audience: 'aegis',
      currentDate: t.clock.now(),
    });
    expect(payload.sub).toBe(alice.user.id);
    const openIdKids = (await t.app.get(SigningKeyStore).keysOf(SigningKeyPurpose.OpenId)).map(
      (key) => key.kid,
    );
    expect(keys.map((key) => key.kid)).not.toEqual(expect.arrayContaining([openIdKids[0]]));
  });

  // Before the purge below: a kid unknown here reads the key table at most once a second.
  it('verifies a token signed with a key another instance rotated in before this one polled', async () => {
    const { claims } = decodeJwt((await logIn(t, alice)).accessToken);
    const added = await rotate(t);
    const stored = (await t.app.get(SigningKeyStore).keysOf(SigningKeyPurpose.AccessToken)).find(
      (key) => key.kid === added.at(-1),
    )!;
    const token = forgeJwt(
      { alg: 'ES256', typ: 'at+jwt', kid: stored.kid },
      claims,
      createPrivateKey({ key: stored.privateJwk, format: 'jwk' }),
    );
    const response = await me(t, token);
    expect(response.body).toEqual(expect.objectContaining({ id: alice.user.id }));
  });

  it('keeps a token minted before a rotation working, and signs with the new key only once it activated', async () => {
    const before = (await logIn(t, alice)).accessToken;
    const added = await rotate(t);
    const newKid = added.at(-1)!; // the access-token key comes last
    expect(await t.app.get(AccessTokenKeys).refresh()).toBe(true);
    // Published (verified) at once, by every instance that polled...
    expect(await publishedKids(t)).toEqual(expect.arrayContaining([kidOf(before), newKid]));
    // ...but nothing is signed with it yet: an instance that has not polled could not verify it.
    const meanwhile = (await logIn(t, alice)).accessToken;
    expect(kidOf(meanwhile)).toBe(kidOf(before));

    t.clock.advance(t.config.signingKeys.activationDelayMs);
    const after = (await logIn(t, alice)).accessToken;
    expect(kidOf(after)).toBe(newKid);
    for (const token of [before, meanwhile, after]) expect((await me(t, token)).status).toBe(200);

    // The retired key verifies until its last token expired (TTL plus a margin), then is purged.
    t.clock.advance(t.config.accessTokenTtlMs + 5 * 60_000 + 1_000);
    await t.app.get(OidcMaintenanceService).runOnce();
    await t.app.get(AccessTokenKeys).refresh();
    expect(await publishedKids(t)).not.toContain(kidOf(before));
    expectProblem(await me(t, before), 401, 'INVALID_TOKEN');
    expect((await me(t, (await logIn(t, alice)).accessToken)).status).toBe(200);
  });
});

/** The kid Aegis gave HS256 tokens signed with JWT_SECRET before access tokens moved to the database. */
const legacyKid = (secret: string) =>
  createHmac('sha256', Buffer.from(secret))
    .update('aegis access-token key id')
    .digest('base64url')
    .slice(0, 16);

describe('access tokens: the migration from JWT_SECRET (HS256)', () => {
  const OLD = 'old-secret-that-is-long-enough-0123456789';
  const NEW = 'new-secret-that-is-long-enough-0123456789';

  it('keeps HS256 tokens of JWT_SECRET and JWT_SECRET_PREVIOUS working until they expire; new tokens are ES256', async () => {
    const database = await createTestDatabase();
    try {
      const t = await createTestApp({
        database,
        env: { JWT_SECRET: NEW, JWT_SECRET_PREVIOUS: OLD },
      });
      const alice = await createUser(t);
      const fresh = await logIn(t, alice);
      expect(decodeJwt(fresh.accessToken).header.alg).toBe('ES256');
      const { claims } = decodeJwt(fresh.accessToken);
      const legacy = (secret: string) =>
        forgeJwt({ alg: 'HS256', typ: 'at+jwt', kid: legacyKid(secret) }, claims, secret);
      for (const secret of [NEW, OLD]) expect((await me(t, legacy(secret))).status).toBe(200);
      // The kid picks the key and the key its algorithm: the old secret under the new secret's kid is refused.
      const mislabelled = forgeJwt(
        { alg: 'HS256', typ: 'at+jwt', kid: legacyKid(NEW) },
        claims,
        OLD,
      );
      expectProblem(await me(t, mislabelled), 401, 'INVALID_TOKEN');
      t.clock.advance((fresh.expiresIn + 31) * 1000);
      expectProblem(await me(t, legacy(NEW)), 401, 'TOKEN_EXPIRED');
      await t.close();

      // Once the secrets are gone from the configuration, their tokens verify nowhere.
      const after = await createTestApp({ database, env: { JWT_SECRET: NEW } });
      const later = await logIn(after, alice);
      const { claims: laterClaims } = decodeJwt(later.accessToken);
      const old = forgeJwt({ alg: 'HS256', typ: 'at+jwt', kid: legacyKid(OLD) }, laterClaims, OLD);
      expectProblem(await me(after, old), 401, 'INVALID_TOKEN');
      expect((await me(after, later.accessToken)).status).toBe(200);
      await after.close();
    } finally {
      await database.drop();
    }
  });

  it('runs in production with no JWT_SECRET at all: tokens are ES256, and no HS256 token verifies', async () => {
    const t = await createTestApp({
      env: {
        AEGIS_ENV: 'production',
        JWT_SECRET: '',
        PUBLIC_URL: 'https://aegis.example.com',
        MFA_ENCRYPTION_KEY: 'q7Vd2mX9pL4sT8wZ1cR6yN3bH5kF0jGa8eU2iO4xQ1s=',
        METRICS_TOKEN: 'metrics-token-0123456789',
        OIDC_ENCRYPTION_KEY: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
      },
    });
    try {
      expect(t.config.jwt.keySource).toBe('none');
      const alice = await createUser(t);
      const token = (await logIn(t, alice)).accessToken;
      expect(decodeJwt(token).header.alg).toBe('ES256');
      expect((await me(t, token)).status).toBe(200);
      const { claims } = decodeJwt(token);
      const legacy = forgeJwt({ alg: 'HS256', typ: 'at+jwt', kid: legacyKid(OLD) }, claims, OLD);
      expectProblem(await me(t, legacy), 401, 'INVALID_TOKEN');
    } finally {
      await t.close();
    }
  });
});
