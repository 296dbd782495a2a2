import { AuditAction } from '../../src/audit/audit-action';
import { PasswordHasher } from '../../src/common/crypto/password-hasher';
import { Role } from '../../src/common/access/role';
import { randomUUID } from 'node:crypto';
import { cookieNamesOf, logIn } from '../factories/session.factory';
import { cookieHeader, setCookiesOf } from '../support/cookies';
import { createUser, type UserFixture } from '../factories/user.factory';
import { auditEvents } from '../support/audit';
import {
  comparableBody,
  comparableHeaders,
  countSessions,
  expectNoTokenIssued,
  expectProblem,
  loadUser,
  lockoutOf,
} from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

const SECOND = 1_000;

/**
 * Attack: guess one account's password from many IPs (each under the per-IP limit), or in parallel to slip
 * past a counter checked before it is written (Zitadel GHSA-7h8m-vrxx-vr4m), or through change-password with
 * a stolen session.
 */
describe('security: per-account login backoff', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_MAX_FAILURES: '5', TRUSTED_PROXIES: '127.0.0.1' } });
  });
  afterAll(() => t.close());

  let client = 0;
  /** Each attempt from a new client IP: the per-IP limit never sees two. */
  const login = (username: string, password: string) =>
    t
      .http()
      .post('/auth/login')
      .set('X-Forwarded-For', `198.51.100.${(++client % 250) + 1}`)
      .send({ username, password });
  const failFiveTimes = async (who: UserFixture) => {
    for (let i = 1; i <= 5; i++) {
      expectProblem(await login(who.username, `wrong guess ${i}`), 401, 'INVALID_CREDENTIALS');
    }
  };

  it('refuses the sixth attempt from a sixth IP with 429 + Retry-After, even with the right password, and audits it', async () => {
    const alice = await createUser(t);
    await failFiveTimes(alice);

    const verify = jest.spyOn(t.app.get(PasswordHasher), 'verify');
    let right;
    try {
      right = await login(alice.username, alice.password);
      expect(verify).not.toHaveBeenCalled(); // refused before any hashing
    } finally {
      verify.mockRestore();
    }
    expectProblem(right, 429, 'ACCOUNT_THROTTLED');
    expect(right.headers['retry-after']).toBe('30');
    expectNoTokenIssued(t, right);
    expect(await countSessions(t, alice.user.id)).toBe(0);

    const refused = await auditEvents(t, {
      action: AuditAction.LoginFailed,
      actorUserId: alice.user.id,
    });
    // Rows written within one fake-clock instant have no defined order: compare as a multiset.
    expect(refused.map((row) => row.details.reason).sort()).toEqual([
      ...Array(5).fill('invalid_credentials'),
      'throttled',
    ]);
  });

  it('does not extend the lock for refused attempts, and lets the right password in once it expires by itself', async () => {
    const bob = await createUser(t);
    await failFiveTimes(bob);
    for (let i = 0; i < 5; i++) {
      t.clock.advance(5 * SECOND);
      const hammered = await login(bob.username, `hammering ${i}`);
      expectProblem(hammered, 429, 'ACCOUNT_THROTTLED');
      expect(Number(hammered.headers['retry-after'])).toBe(30 - 5 * (i + 1));
    }
    t.clock.advance(5 * SECOND); // 30 s after the fifth failure
    const after = await login(bob.username, bob.password);
    expect(after.status).toBe(200);
    expect(await lockoutOf(t, bob.user.id)).toBeNull(); // success resets

    // A fresh count: four more failures are still plain 401s.
    for (let i = 1; i <= 4; i++) {
      expectProblem(await login(bob.username, `new guess ${i}`), 401, 'INVALID_CREDENTIALS');
    }
    expect(await login(bob.username, bob.password)).toHaveProperty('status', 200);
  });

  it('doubles the lock with every further failure, up to one hour', async () => {
    const carol = await createUser(t);
    await failFiveTimes(carol);
    const locks: number[] = [];
    for (let lock = 30; locks.length < 9;) {
      const refused = await login(carol.username, carol.password);
      expectProblem(refused, 429, 'ACCOUNT_THROTTLED');
      locks.push(Number(refused.headers['retry-after']));
      t.clock.advance(lock * SECOND);
      expectProblem(await login(carol.username, 'still guessing'), 401, 'INVALID_CREDENTIALS');
      lock = Math.min(lock * 2, 3600);
    }
    expect(locks).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
  });

  it('lets 20 parallel wrong guesses check exactly 5 passwords; the other 15 get 429', async () => {
    const dave = await createUser(t);
    const hasher = t.app.get(PasswordHasher);
    const verify = jest.spyOn(hasher, 'verify');
    let responses;
    try {
      responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login(dave.username, `parallel guess ${i}`)),
      );
      expect(verify.mock.calls.filter(([hash]) => hash === dave.user.passwordHash)).toHaveLength(5);
    } finally {
      verify.mockRestore();
    }
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
    expect((await lockoutOf(t, dave.user.id))?.failures).toBe(5);
    const counted = await auditEvents(t, {
      action: AuditAction.LoginFailed,
      actorUserId: dave.user.id,
    });
    expect(counted.filter((row) => row.details.reason === 'invalid_credentials')).toHaveLength(5);
    expectProblem(await login(dave.username, dave.password), 429, 'ACCOUNT_THROTTLED');
  });

  it('never refuses the right password because other checks with the right password are in flight', async () => {
    const frank = await createUser(t);
    const responses = await Promise.all(
      Array.from({ length: 16 }, () => login(frank.username, frank.password)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(16).fill(200));
    expect(await lockoutOf(t, frank.user.id)).toBeNull();
  });

  it("keeps the owner's browser (valid device cookie) signing in while an attacker has locked the account", async () => {
    const grace = await createUser(t);
    const first = await login(grace.username, grace.password);
    const device = setCookiesOf(first)[cookieNamesOf(t).device];
    expect(device.value).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);

    await failFiveTimes(grace); // the attacker, without the cookie
    expectProblem(await login(grace.username, grace.password), 429, 'ACCOUNT_THROTTLED');
    const owner = await login(grace.username, grace.password).set(
      'Cookie',
      cookieHeader({ [cookieNamesOf(t).device]: device.value }),
    );
    expect(owner.status).toBe(200);

    // A forged or foreign device cookie buys nothing: the shared budget applies.
    const forged = `${grace.user.id}.${'A'.repeat(22)}.${'B'.repeat(43)}`;
    for (const value of [forged, device.value.replace(grace.user.id, randomUUID())]) {
      expectProblem(
        await login(grace.username, grace.password).set(
          'Cookie',
          cookieHeader({ [cookieNamesOf(t).device]: value }),
        ),
        429,
        'ACCOUNT_THROTTLED',
      );
    }
  });

  it("gives each device cookie a budget of its own: guessing with the owner's cookie locks only that device", async () => {
    const heidi = await createUser(t);
    const device = setCookiesOf(await login(heidi.username, heidi.password))[
      cookieNamesOf(t).device
    ];
    const withDevice = (password: string) =>
      login(heidi.username, password).set(
        'Cookie',
        cookieHeader({ [cookieNamesOf(t).device]: device.value }),
      );
    for (let i = 1; i <= 5; i++)
      expectProblem(await withDevice(`guess ${i}`), 401, 'INVALID_CREDENTIALS');
    expectProblem(await withDevice(heidi.password), 429, 'ACCOUNT_THROTTLED');
    expect((await login(heidi.username, heidi.password)).status).toBe(200);
  });

  it('throttles a name no account has exactly like a real account (the lockout reveals nothing)', async () => {
    const erin = await createUser(t);
    for (let i = 1; i <= 5; i++) {
      await login('no-such-account', `guess ${i}`);
      await login(erin.username, `guess ${i}`);
    }
    const ghost = await login('no-such-account', 'guess 6');
    const real = await login(erin.username, 'guess 6');
    expectProblem(ghost, 429, 'ACCOUNT_THROTTLED');
    expect(comparableBody(real)).toEqual(comparableBody(ghost));
    expect(comparableHeaders(real)).toEqual(comparableHeaders(ghost));
  });

  it('counts wrong current passwords at change-password too, and refuses the right one while locked', async () => {
    const frank = await createUser(t);
    const session = await logIn(t, frank);
    const change = (current: string) =>
      t
        .http()
        .post('/auth/change-password')
        .set('Authorization', `Bearer ${session.accessToken}`)
        .send({ current_password: current, new_password: 'a brand new passphrase' });

    for (let i = 1; i <= 5; i++) {
      expectProblem(await change(`wrong current ${i}`), 400, 'WRONG_CURRENT_PASSWORD');
    }
    const locked = await change(frank.password);
    expectProblem(locked, 429, 'ACCOUNT_THROTTLED');
    expect(locked.headers['retry-after']).toBe('30');
    expect((await loadUser(t, frank.user.id)).passwordHash).toBe(frank.user.passwordHash);
    // One counter for the account: login is locked as well.
    expectProblem(await login(frank.username, frank.password), 429, 'ACCOUNT_THROTTLED');
    const failures = await auditEvents(t, {
      action: AuditAction.PasswordChangeFailed,
      actorUserId: frank.user.id,
    });
    expect(failures.map((row) => row.details.reason).sort()).toEqual([
      'account_throttled',
      ...Array(5).fill('wrong_current_password'),
    ]);

    t.clock.advance(30 * SECOND);
    expect((await change(frank.password)).status).toBe(200);
  });

  describe('an administrator', () => {
    let admin: UserFixture;
    let adminToken: string;
    beforeAll(async () => {
      admin = await createUser(t, { role: Role.Admin });
      adminToken = (await logIn(t, admin)).accessToken;
    });

    const clear = (userId: string, token = adminToken) =>
      t.http().delete(`/users/${userId}/login-lockout`).set('Authorization', `Bearer ${token}`);

    it('can clear a lockout at once, audited; the user logs in with the right password', async () => {
      const gina = await createUser(t);
      await failFiveTimes(gina);
      const response = await clear(gina.user.id);
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(await lockoutOf(t, gina.user.id)).toBeNull();
      expect((await login(gina.username, gina.password)).status).toBe(200);
      const cleared = await auditEvents(t, { action: AuditAction.LoginLockoutCleared });
      expect(cleared.at(-1)).toMatchObject({
        actorUserId: admin.user.id,
        resourceId: gina.user.id,
        outcome: 'success',
        details: { target_username: gina.username, had_lockout: true },
      });
    });

    it('is the only one who can: a user gets 403 and the lock stays', async () => {
      const hank = await createUser(t);
      const mallory = await createUser(t);
      const malloryToken = (await logIn(t, mallory)).accessToken;
      await failFiveTimes(hank);
      expectProblem(await clear(hank.user.id, malloryToken), 403, 'INSUFFICIENT_ROLE');
      expect((await lockoutOf(t, hank.user.id))?.failures).toBe(5);
      expectProblem(await login(hank.username, hank.password), 429, 'ACCOUNT_THROTTLED');
    });

    it('gets 404 for an unknown user and 400 for an id that is not a UUID', async () => {
      expectProblem(await clear('00000000-0000-4000-8000-000000000000'), 404, 'USER_NOT_FOUND');
      expectProblem(await clear('not-a-uuid'), 400, 'VALIDATION_FAILED');
    });
  });
});
