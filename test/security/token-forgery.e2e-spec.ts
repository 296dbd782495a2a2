import type { Response } from 'supertest';
import { Role } from '../../src/common/access/role';
import { accessCookie, logIn } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { decodeJwt, forgeJwt } from '../support/jwt-forge';
import { countSessions, expectProblem, loadUser } from '../support/security';
import { createTestDatabase } from '../support/test-database';
import { createTestApp, type TestApp } from '../support/test-app';

const SECRET = 'e2e-secret-that-is-long-enough-0123456789'; // the test apps' JWT_SECRET
const OTHER_SECRET = 'another-secret-that-is-long-enough-000000';

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

  beforeAll(async () => {
    t = await createTestApp();
    victim = await createUser(t);
    admin = await createUser(t, { role: Role.Admin });
    real = (await logIn(t, victim)).accessToken;
    ({ header, claims } = decodeJwt(real));
    now = Math.floor(t.clock.now().getTime() / 1000);
  });
  afterAll(() => t.close());

  it('mints what the service mints: HS256, typ at+jwt, a kid, and every required claim', () => {
    expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: expect.any(String) });
    expect(Object.keys(claims).sort()).toEqual(
      ['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sid', 'sub'].sort(),
    );
    expect(claims).toMatchObject({ iss: 'aegis', aud: 'aegis', sub: victim.user.id });
  });

  it('accepts a token re-signed by this harness unchanged (so each refusal below is the change alone)', async () => {
    const copy = forgeJwt(header, claims, SECRET);
    for (const response of await bothWays(t, copy)) expect(response.status).toBe(200);
  });

  const without = (name: string) =>
    Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));

  const forgeries: Array<[string, () => string, string]> = [
    [
      'alg none, no signature',
      () => forgeJwt({ ...header, alg: 'none' }, claims, SECRET),
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
      'another HMAC algorithm with the right secret',
      () => forgeJwt({ ...header, alg: 'HS512' }, claims, SECRET),
      'INVALID_TOKEN',
    ],
    ['the wrong secret', () => forgeJwt(header, claims, OTHER_SECRET), 'INVALID_TOKEN'],
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
      () => forgeJwt(header, { ...claims, exp: now - 31 }, SECRET),
      'TOKEN_EXPIRED',
    ],
    [
      'not valid yet (nbf beyond the skew)',
      () => forgeJwt(header, { ...claims, nbf: now + 120 }, SECRET),
      'INVALID_TOKEN',
    ],
    [
      'issued in the future',
      () => forgeJwt(header, { ...claims, iat: now + 120 }, SECRET),
      'INVALID_TOKEN',
    ],
    ['without jti', () => forgeJwt(header, without('jti'), SECRET), 'INVALID_TOKEN'],
    ['without sid', () => forgeJwt(header, without('sid'), SECRET), 'INVALID_TOKEN'],
    ['without nbf', () => forgeJwt(header, without('nbf'), SECRET), 'INVALID_TOKEN'],
    ['without exp', () => forgeJwt(header, without('exp'), SECRET), 'INVALID_TOKEN'],
    ['without iss', () => forgeJwt(header, without('iss'), SECRET), 'INVALID_TOKEN'],
    ['without aud', () => forgeJwt(header, without('aud'), SECRET), 'INVALID_TOKEN'],
    [
      'for another issuer',
      () => forgeJwt(header, { ...claims, iss: 'aegis-staging' }, SECRET),
      'INVALID_TOKEN',
    ],
    [
      'for another audience',
      () => forgeJwt(header, { ...claims, aud: 'billing' }, SECRET),
      'INVALID_TOKEN',
    ],
    [
      'typed as a plain JWT',
      () => forgeJwt({ ...header, typ: 'JWT' }, claims, SECRET),
      'INVALID_TOKEN',
    ],
    ['untyped', () => forgeJwt({ alg: 'HS256', kid: header.kid }, claims, SECRET), 'INVALID_TOKEN'],
    [
      'with a jku header',
      () => forgeJwt({ ...header, jku: 'https://evil.example/jwks.json' }, claims, SECRET),
      'INVALID_TOKEN',
    ],
    [
      'with an x5u header',
      () => forgeJwt({ ...header, x5u: 'https://evil.example/cert.pem' }, claims, SECRET),
      'INVALID_TOKEN',
    ],
    [
      'with an embedded jwk',
      () =>
        forgeJwt(
          { ...header, jwk: { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') } },
          claims,
          SECRET,
        ),
      'INVALID_TOKEN',
    ],
    [
      'with a crit header',
      () => forgeJwt({ ...header, crit: ['exp'] }, claims, SECRET),
      'INVALID_TOKEN',
    ],
    [
      'with an unknown kid',
      () => forgeJwt({ ...header, kid: 'not-a-key-of-ours' }, claims, SECRET),
      'INVALID_TOKEN',
    ],
    [
      'without a kid',
      () => forgeJwt({ alg: 'HS256', typ: 'at+jwt' }, claims, SECRET),
      'INVALID_TOKEN',
    ],
    [
      "naming another user than its session's, signed with the real key",
      () => forgeJwt(header, { ...claims, sub: admin.user.id }, SECRET),
      'SESSION_ENDED',
    ],
    [
      'for a session that does not exist',
      () => forgeJwt(header, { ...claims, sid: '00000000-0000-4000-8000-000000000000' }, SECRET),
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

/** Operations: replace JWT_SECRET without logging everyone out, then retire the old key. */
describe('security: signing key rollover', () => {
  const OLD = 'old-secret-that-is-long-enough-0123456789';
  const NEW = 'new-secret-that-is-long-enough-0123456789';

  it('verifies tokens of JWT_SECRET_PREVIOUS by their kid during the rollover, and refuses them after it', async () => {
    const database = await createTestDatabase();
    try {
      const before = await createTestApp({ database, env: { JWT_SECRET: OLD } });
      const alice = await createUser(before);
      const oldToken = (await logIn(before, alice)).accessToken;
      await before.close();

      const during = await createTestApp({
        database,
        env: { JWT_SECRET: NEW, JWT_SECRET_PREVIOUS: OLD },
      });
      const newToken = (await logIn(during, alice)).accessToken;
      expect(decodeJwt(newToken).header.kid).not.toBe(decodeJwt(oldToken).header.kid);
      for (const token of [oldToken, newToken]) {
        expect((await bothWays(during, token)).map((response) => response.status)).toEqual([
          200, 200,
        ]);
      }
      // The kid picks the key: the old key's signature under the new key's kid is refused.
      const { header, claims } = decodeJwt(oldToken);
      const mislabelled = forgeJwt({ ...header, kid: decodeJwt(newToken).header.kid }, claims, OLD);
      expectProblem((await bothWays(during, mislabelled))[0], 401, 'INVALID_TOKEN');
      // The previous key only verifies: nothing new is signed with it.
      expect(decodeJwt(newToken).header.kid).not.toBe(header.kid);
      await during.close();

      const after = await createTestApp({ database, env: { JWT_SECRET: NEW } });
      expectProblem((await bothWays(after, oldToken))[0], 401, 'INVALID_TOKEN');
      expect((await bothWays(after, newToken))[0].status).toBe(200);
      await after.close();
    } finally {
      await database.drop();
    }
  });
});
