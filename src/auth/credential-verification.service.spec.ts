import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { AuthMetrics } from '../metrics/auth-metrics';
import { UsersService } from '../users/users.service';
import { automock } from '../../test/support/automock';
import { newTestService, provide } from '../../test/support/test-service';
import { FrozenClock, META, NOW, codeOf, user } from '../../test/support/auth-fixtures';
import { AppConfig } from '../config/app-config';
import { AuthError, AuthErrorCode } from './auth.error';
import { CredentialVerificationService } from './credential-verification.service';
import { DeviceCookies } from './device-cookies';
import { LoginLockoutService } from './lockout/login-lockout.service';

function setup() {
  const clock = new FrozenClock();
  const config = { oneTimePasswordTtlMs: 24 * 3_600_000 } as AppConfig;
  const { service, double } = newTestService(
    CredentialVerificationService,
    provide(PasswordHasher, automock(PasswordHasher, { dummyHash: 'dummy-hash' })),
    provide(Clock, clock),
    provide(AppConfig, config),
  );
  const users = double(UsersService);
  const hasher = double(PasswordHasher);
  hasher.verify.mockResolvedValue(false);
  hasher.hash.mockImplementation(async (password: string) => `hash(${password})`);
  hasher.needsRehash.mockReturnValue(false);
  const lockout = double(LoginLockoutService);
  lockout.beginAttempt.mockResolvedValue({ allowed: true });
  const audit = double(AuditService);
  const metrics = double(AuthMetrics);
  const devices = double(DeviceCookies);
  devices.deviceOf.mockReturnValue(null);
  return { users, hasher, lockout, audit, metrics, devices, clock, service };
}

describe('CredentialVerificationService.verify', () => {
  it('verifies an unknown user against the dummy hash, audits, and says only "invalid credentials"', async () => {
    const { service, users, hasher, audit, metrics } = setup();
    users.findByLoginName.mockResolvedValue(null);
    expect(await codeOf(service.verify('ghost', 'pw', META))).toBe(
      AuthErrorCode.InvalidCredentials,
    );
    expect(hasher.verify).toHaveBeenCalledWith('dummy-hash', 'pw');
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'LOGIN_FAILED',
        actorUserId: null,
        resourceId: null,
        details: { username: 'ghost', reason: 'invalid_credentials' },
        meta: META,
      }),
    );
    expect(metrics.loginAttempted).toHaveBeenCalledWith('invalid_credentials');
  });

  it('refuses a wrong password for a known user as invalid credentials, audited under the account', async () => {
    const { service, users, hasher, audit, lockout } = setup();
    users.findByLoginName.mockResolvedValue(user());
    expect(await codeOf(service.verify('alice', 'wrong', META))).toBe(
      AuthErrorCode.InvalidCredentials,
    );
    expect(hasher.verify).toHaveBeenCalledWith('stored-hash', 'wrong');
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({ actorUserId: 'u-1', resourceId: 'u-1' }),
    );
    expect(lockout.succeeded).not.toHaveBeenCalled();
    expect(lockout.failed).toHaveBeenCalledWith('u:u-1');
  });

  it("counts an attempt with the account's valid device cookie in that device's own budget", async () => {
    const { service, users, hasher, lockout, devices } = setup();
    users.findByLoginName.mockResolvedValue(user());
    devices.deviceOf.mockReturnValue('dev-1');
    await codeOf(service.verify('alice', 'wrong', META, { deviceToken: 'cookie' }));
    expect(devices.deviceOf).toHaveBeenCalledWith('cookie', 'u-1');
    expect(lockout.beginAttempt).toHaveBeenCalledWith('d:u-1:dev-1');
    expect(lockout.failed).toHaveBeenCalledWith('d:u-1:dev-1');
    hasher.verify.mockResolvedValue(true);
    const verified = await service.verify('alice', 'right', META, { deviceToken: 'cookie' });
    expect(verified.accountKey).toBe('d:u-1:dev-1');
  });

  it('gives the place in the budget back when the check itself fails (no verdict, no failure counted)', async () => {
    const { service, users, hasher, lockout } = setup();
    users.findByLoginName.mockResolvedValue(user());
    hasher.verify.mockRejectedValue(new Error('argon2 pool gone'));
    await expect(service.verify('alice', 'pw', META)).rejects.toThrow('argon2 pool gone');
    expect(lockout.abandoned).toHaveBeenCalledWith('u:u-1');
    expect(lockout.failed).not.toHaveBeenCalled();
  });

  it('caps the audited username at 128 characters', async () => {
    const { service, users, audit } = setup();
    users.findByLoginName.mockResolvedValue(null);
    await codeOf(service.verify('x'.repeat(300), 'pw', META));
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({
        details: { username: 'x'.repeat(128), reason: 'invalid_credentials' },
      }),
    );
  });

  it('does not reveal that an account is disabled to someone without its password', async () => {
    const { service, users } = setup();
    users.findByLoginName.mockResolvedValue(user({ isActive: false }));
    expect(await codeOf(service.verify('alice', 'wrong', META))).toBe(
      AuthErrorCode.InvalidCredentials,
    );
  });

  it('refuses a disabled account with the right password as ACCOUNT_DISABLED, audited', async () => {
    const { service, users, hasher, audit, metrics } = setup();
    users.findByLoginName.mockResolvedValue(user({ isActive: false }));
    hasher.verify.mockResolvedValue(true);
    expect(await codeOf(service.verify('alice', 'right', META))).toBe(
      AuthErrorCode.AccountDisabled,
    );
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'account_disabled' }) }),
    );
    expect(metrics.loginAttempted).toHaveBeenCalledWith('account_disabled');
  });

  it('counts the attempt against the account before checking the password, and leaves settling it to the login step', async () => {
    const { service, users, hasher, lockout, audit } = setup();
    users.findByLoginName.mockResolvedValue(user());
    hasher.verify.mockResolvedValue(true);
    const verified = await service.verify('alice', 'right', META);
    expect(verified).toEqual({ user: user(), upgradedHash: undefined, accountKey: 'u:u-1' });
    expect(lockout.beginAttempt).toHaveBeenCalledWith('u:u-1');
    expect(lockout.beginAttempt.mock.invocationCallOrder[0]).toBeLessThan(
      hasher.verify.mock.invocationCallOrder[0],
    );
    // A second factor may follow: only a completed login clears the count.
    expect(lockout.succeeded).not.toHaveBeenCalled();
    expect(lockout.failed).not.toHaveBeenCalled();
    expect(audit.recordIndependently).not.toHaveBeenCalled();
    expect(hasher.hash).not.toHaveBeenCalled();
  });

  it('keeps a failed attempt counted, for unknown names too (under the name, not an account)', async () => {
    const { service, users, lockout } = setup();
    users.findByLoginName.mockResolvedValue(null);
    await codeOf(service.verify('Ghost', 'pw', META));
    await codeOf(service.verify('ＧＨＯＳＴ', 'pw', META));
    const [[first], [second]] = lockout.beginAttempt.mock.calls;
    expect(first).toMatch(/^n:[0-9a-f]{64}$/);
    expect(second).toBe(first); // one name, however it is typed
    expect(lockout.succeeded).not.toHaveBeenCalled();
  });

  it('refuses a locked account with ACCOUNT_THROTTLED before any hashing, even with the right password', async () => {
    const { service, users, hasher, audit, lockout, metrics } = setup();
    users.findByLoginName.mockResolvedValue(user());
    hasher.verify.mockResolvedValue(true);
    lockout.beginAttempt.mockResolvedValue({ allowed: false, retryAfterSeconds: 30 });
    const error = (await service
      .verify('alice', 'right', META)
      .catch((caught: unknown) => caught)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe(AuthErrorCode.AccountThrottled);
    expect(error.options.retryAfterSeconds).toBe(30);
    expect(hasher.verify).not.toHaveBeenCalled();
    expect(metrics.loginAttempted).toHaveBeenCalledWith('throttled');
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'LOGIN_FAILED',
        actorUserId: 'u-1',
        details: { username: 'alice', reason: 'throttled' },
      }),
    );
  });

  it('refuses a one-time password older than ONE_TIME_PASSWORD_TTL, audited, and accepts it 1 ms before', async () => {
    const { service, users, hasher, audit } = setup();
    const setAt = new Date(NOW.getTime() - 24 * 3_600_000);
    users.findByLoginName.mockResolvedValue(
      user({ mustChangePassword: true, passwordChangedAt: setAt }),
    );
    hasher.verify.mockResolvedValue(true);
    expect(await codeOf(service.verify('alice', 'one-time', META))).toBe(
      AuthErrorCode.OneTimePasswordExpired,
    );
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({
        details: { username: 'alice', reason: 'one_time_password_expired' },
      }),
    );
    users.findByLoginName.mockResolvedValue(
      user({ mustChangePassword: true, passwordChangedAt: new Date(setAt.getTime() + 1) }),
    );
    await expect(service.verify('alice', 'one-time', META)).resolves.toBeDefined();
  });

  it('never expires a password the user chose themselves', async () => {
    const { service, users, hasher } = setup();
    users.findByLoginName.mockResolvedValue(user({ passwordChangedAt: new Date(0) }));
    hasher.verify.mockResolvedValue(true);
    await expect(service.verify('alice', 'mine', META)).resolves.toBeDefined();
  });

  it('returns a stronger hash when the stored one is weaker than configured', async () => {
    const { service, users, hasher } = setup();
    users.findByLoginName.mockResolvedValue(user());
    hasher.verify.mockResolvedValue(true);
    hasher.needsRehash.mockReturnValue(true);
    const verified = await service.verify('alice', 'right password', META);
    expect(hasher.needsRehash).toHaveBeenCalledWith('stored-hash');
    expect(verified.upgradedHash).toBe('hash(right password)');
  });
});
