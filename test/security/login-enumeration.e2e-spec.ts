import { AuditAction } from '../../src/audit/audit-action';
import { PasswordHasher } from '../../src/common/crypto/password-hasher';
import { createUser, type UserFixture } from '../factories/user.factory';
import { auditEvents } from '../support/audit';
import {
  comparableBody,
  comparableHeaders,
  countSessions,
  expectNoTokenIssued,
  expectProblem,
} from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

/** Attack: learn which accounts exist from the login answer or its cost. */
describe('security: login does not tell which accounts exist', () => {
  let t: TestApp;
  let alice: UserFixture;
  let disabled: UserFixture;

  beforeAll(async () => {
    // Each attempt from its own client IP, so the per-IP counter headers are equal too.
    t = await createTestApp({ env: { TRUSTED_PROXIES: '127.0.0.1' } });
    alice = await createUser(t);
    disabled = await createUser(t, { isActive: false });
  });
  afterAll(() => t.close());

  let client = 0;
  const attempt = (username: string, password: string) =>
    t
      .http()
      .post('/auth/login')
      .set('X-Forwarded-For', `198.51.100.${++client}`)
      .send({ username, password });

  it('answers an unknown user, a wrong password and a disabled account with a wrong password identically', async () => {
    const unknown = await attempt('nobody-at-all', 'some guessed password');
    const wrong = await attempt(alice.username, 'some guessed password');
    const wrongForDisabled = await attempt(disabled.username, 'some guessed password');

    for (const response of [unknown, wrong, wrongForDisabled]) {
      expectProblem(response, 401, 'INVALID_CREDENTIALS');
      expectNoTokenIssued(t, response);
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    expect(comparableBody(wrong)).toEqual(comparableBody(unknown));
    expect(comparableBody(wrongForDisabled)).toEqual(comparableBody(unknown));
    expect(comparableHeaders(wrong)).toEqual(comparableHeaders(unknown));
    expect(comparableHeaders(wrongForDisabled)).toEqual(comparableHeaders(unknown));
    expect(await countSessions(t, alice.user.id)).toBe(0);
  });

  it('spends one full argon2 verify on an unknown user, exactly as on a known one', async () => {
    const hasher = t.app.get(PasswordHasher);
    const verify = jest.spyOn(hasher, 'verify');
    const hash = jest.spyOn(hasher, 'hash');
    try {
      await attempt('nobody-at-all-2', 'some guessed password');
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify.mock.calls[0][0]).toBe(hasher.dummyHash);
      // A real argon2id hash with the configured parameters, so the verify costs what a real one costs.
      expect(hasher.dummyHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(await verify.mock.results[0].value).toBe(false);

      verify.mockClear();
      await attempt(alice.username, 'some guessed password');
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify.mock.calls[0][0]).toBe(alice.user.passwordHash);
      expect(hash).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
      hash.mockRestore();
    }
  });

  it('audits both failures with the same reason, the unknown one without an actor', async () => {
    await attempt('nobody-audited', 'x-password');
    await attempt(alice.username, 'x-password');
    const failed = await auditEvents(t, { action: AuditAction.LoginFailed });
    const byName = (name: string) => failed.filter((event) => event.details.username === name);
    expect(byName('nobody-audited')).toEqual([
      expect.objectContaining({
        actorUserId: null,
        details: { username: 'nobody-audited', reason: 'invalid_credentials' },
      }),
    ]);
    expect(byName(alice.username).at(-1)).toMatchObject({
      actorUserId: alice.user.id,
      details: { reason: 'invalid_credentials' },
    });
  });
});
