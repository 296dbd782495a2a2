import { LoginStepError, LoginStepErrorCode } from '../login/login-step.error';
import { AuditService } from '../../audit/audit.service';
import { RefusalAudit } from '../../audit/refusal-audit.service';
import { PasswordHasher } from '../../common/crypto/password-hasher';
import type { DomainError } from '../../common/errors/domain-error';
import { MfaError, MfaErrorCode } from '../../mfa/mfa.error';
import { SecondFactorService } from '../../mfa/second-factor.service';
import { MfaMethod } from '../../common/access/mfa-method';
import { SessionsService } from '../../sessions/sessions.service';
import { UsersService } from '../../users/users.service';
import { newTestService } from '../../../test/support/test-service';
import { account, codeOf, META, session, user } from '../../../test/support/auth-fixtures';
import { AuthError, AuthErrorCode } from '../auth.error';
import { LoginLockoutService } from '../lockout/login-lockout.service';
import { ReauthenticationService } from './reauthentication.service';

function setup() {
  const { service, double } = newTestService(ReauthenticationService);
  const users = double(UsersService);
  users.findById.mockResolvedValue(user());
  const hasher = double(PasswordHasher);
  hasher.verify.mockResolvedValue(true);
  const secondFactor = double(SecondFactorService);
  secondFactor.checkCode.mockResolvedValue({ ok: true, method: MfaMethod.Totp, factorId: 'f-1' });
  const sessions = double(SessionsService);
  sessions.recordAuthentication.mockResolvedValue(true);
  const lockout = double(LoginLockoutService);
  lockout.beginAttempt.mockResolvedValue({ allowed: true });
  const audit = double(AuditService);
  const refusals = double(RefusalAudit);
  return { users, hasher, secondFactor, sessions, lockout, audit, refusals, service };
}

const principal = () => ({ user: account(), session: session({ amr: ['pwd'] }) });

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected an error');
}

describe('ReauthenticationService with a password', () => {
  it('renews the session with a right password, clears the lockout and audits it', async () => {
    const { service, hasher, sessions, lockout, audit, refusals } = setup();
    await service.reauthenticate(principal(), { password: 'right password' }, META);
    expect(lockout.beginAttempt).toHaveBeenCalledWith('u:u-1');
    expect(lockout.beginAttempt.mock.invocationCallOrder[0]).toBeLessThan(
      hasher.verify.mock.invocationCallOrder[0],
    );
    expect(hasher.verify).toHaveBeenCalledWith('stored-hash', 'right password');
    expect(lockout.succeeded).toHaveBeenCalledWith('u:u-1');
    expect(lockout.failed).not.toHaveBeenCalled();
    expect(lockout.abandoned).not.toHaveBeenCalled();
    expect(sessions.recordAuthentication).toHaveBeenCalledWith(principal().session, 'pwd');
    expect(audit.record.mock.calls).toEqual([
      [
        {
          action: 'REAUTHENTICATED',
          outcome: 'success',
          actorUserId: 'u-1',
          actorUsername: 'alice',
          targetUsername: 'alice',
          resourceType: 'session',
          resourceId: 's-1',
          details: { method: 'password' },
          meta: META,
        },
      ],
    ]);
    expect(refusals.record).not.toHaveBeenCalled();
  });

  it('refuses a wrong password, charged to the lockout once and audited under the flood rule', async () => {
    const { service, hasher, sessions, lockout, audit, refusals } = setup();
    hasher.verify.mockResolvedValue(false);
    const error = await errorOf(service.reauthenticate(principal(), { password: 'guess' }, META));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe(AuthErrorCode.WrongCurrentPassword);
    expect(lockout.failed).toHaveBeenCalledWith('u:u-1');
    // Its place in flight was given back by the failure: releasing it again would free another check's.
    expect(lockout.abandoned).not.toHaveBeenCalled();
    expect(lockout.succeeded).not.toHaveBeenCalled();
    expect(refusals.record).toHaveBeenCalledWith({
      action: 'MFA_FAILED',
      reason: 'wrong_password',
      actorUserId: 'u-1',
      resourceType: 'session',
      resourceId: 's-1',
      details: { method: 'password' },
      meta: META,
    });
    expect(sessions.recordAuthentication).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('refuses a throttled account before the password is checked, saying when to retry', async () => {
    const { service, hasher, lockout, refusals, sessions } = setup();
    lockout.beginAttempt.mockResolvedValue({ allowed: false, retryAfterSeconds: 120 });
    const error = await errorOf(service.reauthenticate(principal(), { password: 'right' }, META));
    expect(error.code).toBe(AuthErrorCode.AccountThrottled);
    expect(error.options).toEqual({ retryAfterSeconds: 120 });
    expect(hasher.verify).not.toHaveBeenCalled();
    expect(lockout.failed).not.toHaveBeenCalled();
    expect(refusals.record).toHaveBeenCalledWith({
      action: 'MFA_FAILED',
      reason: 'throttled',
      actorUserId: 'u-1',
      resourceType: 'session',
      resourceId: 's-1',
      details: { method: 'password' },
      meta: META,
    });
    expect(sessions.recordAuthentication).not.toHaveBeenCalled();
  });

  it('says the session ended when its user no longer exists, checking no password', async () => {
    const { service, users, hasher, sessions } = setup();
    users.findById.mockResolvedValue(null);
    expect(await codeOf(service.reauthenticate(principal(), { password: 'x' }, META))).toBe(
      AuthErrorCode.SessionEnded,
    );
    expect(hasher.verify).not.toHaveBeenCalled();
    expect(sessions.recordAuthentication).not.toHaveBeenCalled();
  });

  it('gives the attempt back when the check itself fails (no verdict on the password)', async () => {
    const { service, hasher, lockout, sessions } = setup();
    const outage = new Error('connection reset');
    hasher.verify.mockRejectedValue(outage);
    expect(await errorOf(service.reauthenticate(principal(), { password: 'x' }, META))).toBe(
      outage,
    );
    expect(lockout.abandoned).toHaveBeenCalledWith('u:u-1');
    expect(lockout.failed).not.toHaveBeenCalled();
    expect(lockout.succeeded).not.toHaveBeenCalled();
    expect(sessions.recordAuthentication).not.toHaveBeenCalled();
  });

  it('renews nothing and says so when the session ended during the check', async () => {
    const { service, sessions, audit } = setup();
    sessions.recordAuthentication.mockResolvedValue(false);
    expect(await codeOf(service.reauthenticate(principal(), { password: 'right' }, META))).toBe(
      AuthErrorCode.SessionEnded,
    );
    expect(audit.record).not.toHaveBeenCalled();
  });
});

describe('ReauthenticationService with a one-time code', () => {
  it('makes the session multi-factor with a right code and audits the method', async () => {
    const { service, secondFactor, sessions, lockout, audit, hasher } = setup();
    await service.reauthenticate(principal(), { method: MfaMethod.Totp, code: '123456' }, META);
    expect(secondFactor.checkCode).toHaveBeenCalledWith('u-1', 'totp', '123456');
    expect(hasher.verify).not.toHaveBeenCalled();
    expect(lockout.succeeded).toHaveBeenCalledWith('u:u-1');
    expect(sessions.recordAuthentication).toHaveBeenCalledWith(principal().session, 'otp');
    expect(audit.record.mock.calls).toEqual([
      [
        expect.objectContaining({
          action: 'REAUTHENTICATED',
          resourceId: 's-1',
          details: { method: 'totp' },
        }),
      ],
    ]);
  });

  it.each([
    ['invalid', 'MFA_FAILED', LoginStepErrorCode.CodeInvalid],
    ['reused', 'MFA_CODE_REUSED', LoginStepErrorCode.CodeReused],
    ['not_enrolled', 'MFA_FAILED', LoginStepErrorCode.MethodNotEnrolled],
  ] as const)(
    'refuses a %s code with its own error, charged to the lockout and audited',
    async (reason, action, code) => {
      const { service, secondFactor, sessions, lockout, refusals } = setup();
      secondFactor.checkCode.mockResolvedValue({ ok: false, reason });
      const error = await errorOf(
        service.reauthenticate(principal(), { method: MfaMethod.Totp, code: '000000' }, META),
      );
      expect(error).toBeInstanceOf(LoginStepError);
      expect(error.code).toBe(code);
      expect(lockout.failed).toHaveBeenCalledWith('u:u-1');
      expect(lockout.abandoned).not.toHaveBeenCalled();
      expect(lockout.succeeded).not.toHaveBeenCalled();
      expect(refusals.record).toHaveBeenCalledWith({
        action,
        reason,
        actorUserId: 'u-1',
        resourceType: 'session',
        resourceId: 's-1',
        details: { method: 'totp' },
        meta: META,
      });
      expect(sessions.recordAuthentication).not.toHaveBeenCalled();
    },
  );

  it('does not give the attempt back for a refusal the factor check decided', async () => {
    const { service, secondFactor, lockout } = setup();
    secondFactor.checkCode.mockRejectedValue(new MfaError(MfaErrorCode.NotEnrolled));
    expect(
      await codeOf(
        service.reauthenticate(principal(), { method: MfaMethod.Totp, code: '1' }, META),
      ),
    ).toBe(MfaErrorCode.NotEnrolled);
    expect(lockout.abandoned).not.toHaveBeenCalled();
  });

  it('records a spent recovery code with how many are left, then the reauthentication', async () => {
    const { service, secondFactor, audit } = setup();
    secondFactor.checkCode.mockResolvedValue({
      ok: true,
      method: MfaMethod.RecoveryCode,
      recoveryCodesLeft: 7,
    });
    await service.reauthenticate(
      principal(),
      { method: MfaMethod.RecoveryCode, code: 'AAAA-BBBB-CCCC-DDDD' },
      META,
    );
    expect(audit.record.mock.calls).toEqual([
      [
        {
          action: 'RECOVERY_CODE_USED',
          outcome: 'success',
          actorUserId: 'u-1',
          actorUsername: 'alice',
          targetUsername: 'alice',
          resourceType: 'user',
          resourceId: 'u-1',
          details: { recovery_codes_left: 7 },
          meta: META,
        },
      ],
      [
        expect.objectContaining({
          action: 'REAUTHENTICATED',
          details: { method: 'recovery_code' },
        }),
      ],
    ]);
  });

  it('records the last recovery code as none left', async () => {
    const { service, secondFactor, audit } = setup();
    secondFactor.checkCode.mockResolvedValue({ ok: true, method: MfaMethod.RecoveryCode });
    await service.reauthenticate(
      principal(),
      { method: MfaMethod.RecoveryCode, code: 'AAAA-BBBB-CCCC-DDDD' },
      META,
    );
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'RECOVERY_CODE_USED',
        details: { recovery_codes_left: 0 },
      }),
    );
  });
});
