import { LoginChallenge } from '../src/auth/login/login-challenge/login-challenge.entity';
import { passwordStep, withTotp } from './factories/mfa.factory';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { expectNoTokenIssued, expectProblem, lockoutOf } from './support/security';
import { createTestApp, type TestApp } from './support/test-app';
import { totpCode, wrongCode } from './support/totp';
import { credentials, mfaVerify } from './support/mfa-login-rig';

describe('login with an authenticator app (TOTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const verify = (body: Record<string, unknown>, cookie?: string) => mfaVerify(t, body, cookie);

  it('kills the challenge after 5 wrong codes, and counts them in the account lockout', async () => {
    const erin = await createUser(t);
    const { secret } = await withTotp(t, erin);
    const token = await passwordStep(t, erin);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await verify({
        mfa_token: token,
        method: 'totp',
        code: wrongCode(secret, t.clock),
      });
      expectProblem(wrong, 401, 'MFA_CODE_INVALID');
    }
    const sixth = await verify({
      mfa_token: token,
      method: 'totp',
      code: totpCode(secret, t.clock),
    });
    expectProblem(sixth, 401, 'MFA_CHALLENGE_EXPIRED');
    expectNoTokenIssued(t, sixth);
    const lockout = await lockoutOf(t, erin.user.id);
    expect(lockout).toMatchObject({ failures: 5, inFlight: 0 });
    expect(lockout?.lockedUntilMs).toBeGreaterThan(t.clock.now().getTime());
    // Locked: even the right password is refused for now, so the code cannot be guessed at speed.
    expectProblem(
      await t.http().post('/auth/login').send(credentials(erin)),
      429,
      'ACCOUNT_THROTTLED',
    );
  });

  it('does not let a right password clear the wrong codes before it', async () => {
    const frank = await createUser(t);
    const { secret } = await withTotp(t, frank);
    for (let round = 0; round < 2; round++) {
      const token = await passwordStep(t, frank);
      for (let attempt = 0; attempt < 2; attempt++)
        await verify({ mfa_token: token, method: 'totp', code: wrongCode(secret, t.clock) });
    }
    expect((await lockoutOf(t, frank.user.id))?.failures).toBe(4);
    const token = await passwordStep(t, frank);
    expect(
      (await verify({ mfa_token: token, method: 'totp', code: totpCode(secret, t.clock) })).status,
    ).toBe(200);
    expect(await lockoutOf(t, frank.user.id)).toBeNull();
  });

  it('refuses a challenge older than 5 minutes', async () => {
    const gina = await createUser(t);
    const { secret } = await withTotp(t, gina);
    const token = await passwordStep(t, gina);
    t.clock.advance(5 * 60_000 + 1);
    const late = await verify({
      mfa_token: token,
      method: 'totp',
      code: totpCode(secret, t.clock),
    });
    expectProblem(late, 401, 'MFA_CHALLENGE_EXPIRED');
  });

  it('ends the open challenges of a user whose factors an administrator reset', async () => {
    const ivy = await createUser(t);
    const { secret } = await withTotp(t, ivy);
    const token = await passwordStep(t, ivy);
    const challenges = t.dataSource.getRepository(LoginChallenge);
    expect(await challenges.countBy({ userId: ivy.user.id })).toBe(1);
    const admin = await logIn(t, {
      username: 'root-admin',
      password: 'bootstrap admin passphrase',
    });
    expect(
      (
        await t
          .http()
          .delete(`/users/${ivy.user.id}/mfa`)
          .set('Authorization', `Bearer ${admin.accessToken}`)
      ).status,
    ).toBe(204);
    expect(await challenges.countBy({ userId: ivy.user.id })).toBe(0);
    expectProblem(
      await verify({ mfa_token: token, method: 'totp', code: totpCode(secret, t.clock) }),
      401,
      'MFA_CHALLENGE_EXPIRED',
    );
  });

  it('refuses a challenge whose password was reset in between, and a made-up token', async () => {
    const hank = await createUser(t);
    const { secret } = await withTotp(t, hank);
    const token = await passwordStep(t, hank);
    const admin = await logIn(t, {
      username: 'root-admin',
      password: 'bootstrap admin passphrase',
    });
    expect(
      (
        await t
          .http()
          .post(`/users/${hank.user.id}/reset-password`)
          .set('Authorization', `Bearer ${admin.accessToken}`)
      ).status,
    ).toBe(200);
    const after = await verify({
      mfa_token: token,
      method: 'totp',
      code: totpCode(secret, t.clock),
    });
    expectProblem(after, 401, 'MFA_CHALLENGE_EXPIRED');
    expectProblem(
      await verify({ mfa_token: 'x'.repeat(43), method: 'totp', code: '123456' }),
      401,
      'MFA_CHALLENGE_EXPIRED',
    );
    expectProblem(await verify({ method: 'totp', code: '123456' }), 401, 'MFA_CHALLENGE_EXPIRED');
  });
});
