import { MfaMethod } from '../../common/access/mfa-method';
import { GRANT, META, NOW, codeOf, user } from '../../../test/support/auth-fixtures';
import { CHALLENGE, secondFactorStep } from '../../../test/support/second-factor-step-rig';

describe('SecondFactorStepService.withCode', () => {
  it('counts the attempt before the code, then opens a multi-factor session', async () => {
    const { service, grants, lockout, challenges, secondFactor, audit } = secondFactorStep();
    const outcome = await service.withCode('challenge-token', MfaMethod.Totp, '123456', META);
    expect(challenges.takeAttempt).toHaveBeenCalledWith('challenge-token');
    expect(lockout.beginAttempt).toHaveBeenCalledWith('u:u-1');
    expect(lockout.beginAttempt.mock.invocationCallOrder[0]).toBeLessThan(
      secondFactor.checkCode.mock.invocationCallOrder[0],
    );
    expect(challenges.consume).toHaveBeenCalledWith(CHALLENGE);
    expect(lockout.succeeded).toHaveBeenCalledWith('u:u-1');
    expect(grants.login).toHaveBeenCalledWith({ user: user() }, META, ['pwd', 'otp']);
    expect(outcome).toEqual({
      kind: 'granted',
      grant: GRANT,
      client: 'api',
      challengeAnswered: true,
      userId: 'u-1',
      amr: ['pwd', 'otp'],
    });
    expect(audit.record.mock.calls).toEqual([
      [
        {
          action: 'MFA_VERIFIED',
          outcome: 'success',
          actorUserId: 'u-1',
          actorUsername: 'alice',
          targetUsername: 'alice',
          resourceType: 'auth',
          resourceId: 'u-1',
          details: { method: 'totp' },
          meta: META,
        },
      ],
    ]);
  });

  it('hands the session to the client the password step was made for', async () => {
    const { service, challenges } = secondFactorStep();
    challenges.takeAttempt.mockResolvedValue({ ...CHALLENGE, client: 'browser' });
    expect(await service.withCode('t', MfaMethod.Totp, '123456', META)).toMatchObject({
      kind: 'granted',
      client: 'browser',
    });
  });

  it('gives the attempt back when the code could not be checked, opening nothing', async () => {
    const { service, secondFactor, lockout, grants, refusals } = secondFactorStep();
    const outage = new Error('connection reset');
    secondFactor.checkCode.mockRejectedValue(outage);
    await expect(service.withCode('t', MfaMethod.Totp, '123456', META)).rejects.toBe(outage);
    expect(lockout.abandoned).toHaveBeenCalledWith('u:u-1');
    expect(lockout.failed).not.toHaveBeenCalled();
    expect(lockout.succeeded).not.toHaveBeenCalled();
    expect(refusals.record).not.toHaveBeenCalled();
    expect(grants.login).not.toHaveBeenCalled();
  });

  it('charges a wrong code to the lockout, audits it under the flood rule and opens nothing', async () => {
    const { service, grants, lockout, refusals, secondFactor, challenges } = secondFactorStep();
    secondFactor.checkCode.mockResolvedValue({ ok: false, reason: 'invalid' });
    expect(await codeOf(service.withCode('t', MfaMethod.Totp, '000000', META))).toBe(
      'MFA_CODE_INVALID',
    );
    expect(lockout.failed).toHaveBeenCalledWith('u:u-1');
    expect(lockout.succeeded).not.toHaveBeenCalled();
    expect(refusals.record).toHaveBeenCalledWith({
      action: 'MFA_FAILED',
      reason: 'invalid',
      actorUserId: 'u-1',
      resourceType: 'auth',
      resourceId: 'u-1',
      details: { method: 'totp' },
      meta: META,
    });
    expect(challenges.consume).not.toHaveBeenCalled();
    expect(grants.login).not.toHaveBeenCalled();
  });

  it('says MFA_CODE_REUSED for a replayed time step, audited as such', async () => {
    const { service, refusals, secondFactor, lockout } = secondFactorStep();
    secondFactor.checkCode.mockResolvedValue({ ok: false, reason: 'reused' });
    expect(await codeOf(service.withCode('t', MfaMethod.Totp, '123456', META))).toBe(
      'MFA_CODE_REUSED',
    );
    expect(refusals.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'MFA_CODE_REUSED' }),
    );
    expect(lockout.failed).toHaveBeenCalled();
  });

  it('says MFA_METHOD_NOT_ENROLLED for a method the user has not set up, charged and audited', async () => {
    const { service, refusals, secondFactor, lockout } = secondFactorStep();
    secondFactor.checkCode.mockResolvedValue({ ok: false, reason: 'not_enrolled' });
    expect(await codeOf(service.withCode('t', MfaMethod.RecoveryCode, 'AAAA-BBBB', META))).toBe(
      'MFA_METHOD_NOT_ENROLLED',
    );
    expect(refusals.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'MFA_FAILED',
        reason: 'not_enrolled',
        details: { method: 'recovery_code' },
      }),
    );
    expect(lockout.failed).toHaveBeenCalledWith('u:u-1');
  });

  it('refuses a locked account before looking at the code, saying when to retry', async () => {
    const { service, lockout, secondFactor, refusals } = secondFactorStep();
    lockout.beginAttempt.mockResolvedValue({ allowed: false, retryAfterSeconds: 30 });
    const refused = service.withCode('t', MfaMethod.Totp, '123456', META);
    await expect(refused).rejects.toMatchObject({
      code: 'ACCOUNT_THROTTLED',
      options: { retryAfterSeconds: 30 },
    });
    expect(secondFactor.checkCode).not.toHaveBeenCalled();
    expect(refusals.record).toHaveBeenCalledWith({
      action: 'MFA_FAILED',
      reason: 'throttled',
      actorUserId: 'u-1',
      resourceType: 'auth',
      resourceId: 'u-1',
      details: { method: 'totp' },
      meta: META,
    });
  });

  it('voids the challenge when the password changed or the account was disabled since the password step', async () => {
    for (const changed of [
      user({ passwordChangedAt: new Date(NOW.getTime() + 1) }),
      user({ isActive: false }),
      null,
    ]) {
      const { service, users, grants } = secondFactorStep();
      users.findById.mockResolvedValue(changed);
      expect(await codeOf(service.withCode('t', MfaMethod.Totp, '123456', META))).toBe(
        'MFA_CHALLENGE_EXPIRED',
      );
      expect(grants.login).not.toHaveBeenCalled();
    }
  });

  it('records a spent recovery code with how many are left', async () => {
    const { service, audit, secondFactor } = secondFactorStep();
    secondFactor.checkCode.mockResolvedValue({
      ok: true,
      method: MfaMethod.RecoveryCode,
      recoveryCodesLeft: 9,
    });
    await service.withCode('t', MfaMethod.RecoveryCode, 'AAAA-BBBB-CCCC-DDDD', META);
    expect(audit.record).toHaveBeenCalledWith({
      action: 'RECOVERY_CODE_USED',
      outcome: 'success',
      actorUserId: 'u-1',
      resourceType: 'user',
      resourceId: 'u-1',
      details: { recovery_codes_left: 9 },
      meta: META,
    });
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'MFA_VERIFIED', details: { method: 'recovery_code' } }),
    );
  });

  it('records the last recovery code as none left', async () => {
    const { service, audit, secondFactor } = secondFactorStep();
    secondFactor.checkCode.mockResolvedValue({ ok: true, method: MfaMethod.RecoveryCode });
    await service.withCode('t', MfaMethod.RecoveryCode, 'AAAA-BBBB-CCCC-DDDD', META);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'RECOVERY_CODE_USED',
        details: { recovery_codes_left: 0 },
      }),
    );
  });
});
