import type { Response } from 'supertest';
import { Role } from '../../src/common/access/role';
import { accessCookie, logIn } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { accessTokenSigningKey, decodeJwt, forgeJwt, openIdSigningKey } from '../support/jwt-forge';
import { countSessions, expectProblem, loadUser } from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

/** The test apps' JWT_SECRET: it verifies legacy HS256 tokens of its own kid only. */
const LEGACY_SECRET = 'e2e-secret-that-is-long-enough-0123456789';

/** Sends a token both ways a client can: as a bearer header and as the access cookie. */
async function bothWays(t: TestApp, token: string): Promise<Response[]> {
  return [
    await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`),
    await t.http().get('/auth/me').set('Cookie', accessCookie(token)),
  ];
}

/** Attack: present an access token the service did not mint for this user, session, time and environment. */
describe('security: forged, stale and foreign access tokens', () => {
  let t: TestApp;
  let victim: UserFixture;
  let admin: UserFixture;
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  let real: string;
  let now: number;
  let KEY: KeyObject;
  let publicPem: string;
  let openId: { kid: string; key: KeyObject };

  beforeAll(async () => {
    t = await createTestApp();
    victim = await createUser(t);
    admin = await createUser(t, { role: Role.Admin });
    real = (await logIn(t, victim)).accessToken;
    ({ header, claims } = decodeJwt(real));
    now = Math.floor(t.clock.now().getTime() / 1000);
    KEY = accessTokenSigningKey(t);
    publicPem = createPublicKey(KEY).export({ format: 'pem', type: 'spki' }).toString();
    openId = await openIdSigningKey(t);
  });
  afterAll(() => t.close());

  it('mints what the service mints: ES256, typ at+jwt, a kid, and every required claim', () => {
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    expect(Object.keys(claims).sort()).toEqual(
      ['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sid', 'sub'].sort(),
    );
    expect(claims).toMatchObject({ iss: 'aegis', aud: 'aegis', sub: victim.user.id });
  });

  it('accepts a token re-signed by this harness unchanged (so each refusal below is the change alone)', async () => {
    const copy = forgeJwt(header, claims, KEY);
    for (const response of await bothWays(t, copy)) expect(response.status).toBe(200);
  });

  const without = (name: string) =>
    Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));

  const forgeries: Array<[string, () => string, string]> = [
    [
      'alg none, no signature',
      () => forgeJwt({ ...header, alg: 'none' }, claims, KEY),
      'INVALID_TOKEN',
    ],
    [
      'alg none with the original signature',
      () => {
        const [, body, signature] = real.split('.');
        return `${Buffer.from(JSON.stringify({ ...header, alg: 'none' })).toString('base64url')}.${body}.${signature}`;
      },
      'INVALID_TOKEN',
    ],
    [
      'HS256 keyed with the public key (algorithm confusion)',
      () => forgeJwt({ ...header, alg: 'HS256' }, claims, publicPem),
      'INVALID_TOKEN',
    ],
    [
      'HS256 keyed with the public key as its JWK Set publishes it',
      () =>
        forgeJwt(
          { ...header, alg: 'HS256' },
          claims,
          JSON.stringify(createPublicKey(KEY).export({ format: 'jwk' })),
        ),
      'INVALID_TOKEN',
    ],
    [
      'HS256 with the legacy JWT_SECRET under the kid of the ES256 key',
      () => forgeJwt({ ...header, alg: 'HS256' }, claims, LEGACY_SECRET),
      'INVALID_TOKEN',
    ],
    [
      'another ECDSA algorithm with the right key',
      () => forgeJwt({ ...header, alg: 'ES384' }, claims, KEY),
      'INVALID_TOKEN',
    ],
    [
      'the wrong key under the right kid',
      () => forgeJwt(header, claims, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
      'INVALID_TOKEN',
    ],
    [
      "signed by the OpenID provider's key (same store, other purpose), its kid named",
      () => forgeJwt({ ...header, kid: openId.kid }, claims, openId.key),
      'INVALID_TOKEN',
    ],
    [
      'a tampered sub (the admin), original signature kept',
      () => {
        const [head, , signature] = real.split('.');
        const body = Buffer.from(JSON.stringify({ ...claims, sub: admin.user.id })).toString(
          'base64url',
        );
        return `${head}.${body}.${signature}`;
      },
      'INVALID_TOKEN',
    ],
    [
      'expired (beyond the 30 s skew)',
      () => forgeJwt(header, { ...claims, exp: now - 31 }, KEY),
      'TOKEN_EXPIRED',
    ],
    [
      'not valid yet (nbf beyond the skew)',
      () => forgeJwt(header, { ...claims, nbf: now + 120 }, KEY),
      'INVALID_TOKEN',
    ],
    [
      'issued in the future',
      () => forgeJwt(header, { ...claims, iat: now + 120 }, KEY),
      'INVALID_TOKEN',
    ],
    ['without jti', () => forgeJwt(header, without('jti'), KEY), 'INVALID_TOKEN'],
    ['without sid', () => forgeJwt(header, without('sid'), KEY), 'INVALID_TOKEN'],
    ['without nbf', () => forgeJwt(header, without('nbf'), KEY), 'INVALID_TOKEN'],
    ['without exp', () => forgeJwt(header, without('exp'), KEY), 'INVALID_TOKEN'],
    ['without iss', () => forgeJwt(header, without('iss'), KEY), 'INVALID_TOKEN'],
    ['without aud', () => forgeJwt(header, without('aud'), KEY), 'INVALID_TOKEN'],
    [
      'for another issuer',
      () => forgeJwt(header, { ...claims, iss: 'aegis-staging' }, KEY),
      'INVALID_TOKEN',
    ],
    [
      'for another audience',
      () => forgeJwt(header, { ...claims, aud: 'billing' }, KEY),
      'INVALID_TOKEN',
    ],
    [
      'typed as a plain JWT',
      () => forgeJwt({ ...header, typ: 'JWT' }, claims, KEY),
      'INVALID_TOKEN',
    ],
    ['untyped', () => forgeJwt({ alg: 'ES256', kid: header.kid }, claims, KEY), 'INVALID_TOKEN'],
    [
      'with a jku header',
      () => forgeJwt({ ...header, jku: 'https://evil.example/jwks.json' }, claims, KEY),
      'INVALID_TOKEN',
    ],
    [
      'with an x5u header',
      () => forgeJwt({ ...header, x5u: 'https://evil.example/cert.pem' }, claims, KEY),
      'INVALID_TOKEN',
    ],
    [
      "with an embedded jwk (the attacker's own key, which signed it)",
      () => {
        const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        return forgeJwt(
          { ...header, jwk: attacker.publicKey.export({ format: 'jwk' }) },
          claims,
          attacker.privateKey,
        );
      },
      'INVALID_TOKEN',
    ],
    [
      'with a crit header',
      () => forgeJwt({ ...header, crit: ['exp'] }, claims, KEY),
      'INVALID_TOKEN',
    ],
    [
      'with an unknown kid',
      () => forgeJwt({ ...header, kid: 'not-a-key-of-ours' }, claims, KEY),
      'INVALID_TOKEN',
    ],
    [
      'without a kid',
      () => forgeJwt({ alg: 'ES256', typ: 'at+jwt' }, claims, KEY),
      'INVALID_TOKEN',
    ],
    [
      "naming another user than its session's, signed with the real key",
      () => forgeJwt(header, { ...claims, sub: admin.user.id }, KEY),
      'SESSION_ENDED',
    ],
    [
      'for a session that does not exist',
      () => forgeJwt(header, { ...claims, sid: '00000000-0000-4000-8000-000000000000' }, KEY),
      'SESSION_ENDED',
    ],
    ['not a JWT at all', () => 'garbage.garbage.garbage', 'INVALID_TOKEN'],
  ];

  it.each(forgeries)(
    'refuses a token %s with 401 as bearer and as cookie, never 500',
    async (_label, mint, code) => {
      for (const response of await bothWays(t, mint())) {
        expectProblem(response, 401, code);
      }
    },
  );

  it('changed nothing: no forged token could write, and no session was created by one', async () => {
    const before = await countSessions(t, victim.user.id);
    for (const [, mint] of forgeries) {
      const response = await t
        .http()
        .post('/auth/change-password')
        .set('Authorization', `Bearer ${mint()}`)
        .send({ current_password: victim.password, new_password: 'attacker chosen passphrase' });
      expect(response.status).toBe(401);
    }
    expect((await loadUser(t, victim.user.id)).passwordHash).toBe(victim.user.passwordHash);
    expect(await countSessions(t, victim.user.id)).toBe(before);
  });

  // Last: it moves the clock past every token above.
  it('refuses a token that expired while it was held (the clock moved past exp + skew)', async () => {
    const fresh = await logIn(t, victim);
    t.clock.advance((fresh.expiresIn + 31) * 1000);
    for (const response of await bothWays(t, fresh.accessToken)) {
      expectProblem(response, 401, 'TOKEN_EXPIRED');
    }
  });
});
