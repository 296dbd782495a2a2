import { AuditService } from '../../audit/audit.service';
import { RefusalAudit } from '../../audit/refusal-audit.service';
import type { LoginChallenge } from './login-challenge/login-challenge.entity';
import { LoginChallengesService } from './login-challenge/login-challenges.service';
import { SecondFactorService } from '../../mfa/second-factor.service';
import { MfaMethod } from '../../common/access/mfa-method';
import { WebAuthnAssertionsService } from '../../mfa/webauthn-assertions.service';
import { hashChallenge } from '../../mfa/webauthn-credentials';
import { UsersService } from '../../users/users.service';
import { automock } from '../../../test/support/automock';
import { GRANT, META, NOW, codeOf, user } from '../../../test/support/auth-fixtures';
import { LoginLockoutService } from '../lockout/login-lockout.service';
import { SecondFactorStepService } from './second-factor-step.service';
import { SessionGrantsService } from '../session-grants.service';

const CHALLENGE = {
  id: 'c-1',
  userId: 'u-1',
  accountKey: 'u:u-1',
  passwordChangedAtMs: NOW.getTime(),
  client: 'api',
} as LoginChallenge;

function setup() {
  const grants = automock(SessionGrantsService);
  grants.login.mockResolvedValue(GRANT);
  const secondFactor = automock(SecondFactorService);
  secondFactor.methodsOf.mockResolvedValue([]);
  secondFactor.checkCode.mockResolvedValue({ ok: true, method: MfaMethod.Totp, factorId: 'f-1' });
  const webauthn = automock(WebAuthnAssertionsService);
  const challenges = automock(LoginChallengesService);
  challenges.takeAttempt.mockResolvedValue(CHALLENGE);
  const lockout = automock(LoginLockoutService);
  lockout.beginAttempt.mockResolvedValue({ allowed: true });
  const users = automock(UsersService);
  users.findById.mockResolvedValue(user());
  const audit = automock(AuditService);
  const refusals = automock(RefusalAudit);
  challenges.spendWebAuthnChallenge.mockResolvedValue(true);
  const service = new SecondFactorStepService(
    challenges,
    secondFactor,
    webauthn,
    grants,
    lockout,
    users,
    audit,
    refusals,
  );
  return { grants, secondFactor, webauthn, challenges, lockout, users, audit, refusals, service };
}

describe('SecondFactorStepService.withCode', () => {
  it('counts the attempt before the code, then opens a multi-factor session', async () => {
    const { service, grants, lockout, challenges, secondFactor, audit } = setup();
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
          resourceType: 'auth',
          resourceId: 'u-1',
          details: { method: 'totp' },
          meta: META,
        },
      ],
    ]);
  });

  it('hands the session to the client the password step was made for', async () => {
    const { service, challenges } = setup();
    challenges.takeAttempt.mockResolvedValue({ ...CHALLENGE, client: 'browser' });
    expect(await service.withCode('t', MfaMethod.Totp, '123456', META)).toMatchObject({
      kind: 'granted',
      client: 'browser',
    });
  });

  it('gives the attempt back when the code could not be checked, opening nothing', async () => {
    const { service, secondFactor, lockout, grants, refusals } = setup();
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
    const { service, grants, lockout, refusals, secondFactor, challenges } = setup();
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
    const { service, refusals, secondFactor, lockout } = setup();
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
    const { service, refusals, secondFactor, lockout } = setup();
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
    const { service, lockout, secondFactor, refusals } = setup();
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
      const { service, users, grants } = setup();
      users.findById.mockResolvedValue(changed);
      expect(await codeOf(service.withCode('t', MfaMethod.Totp, '123456', META))).toBe(
        'MFA_CHALLENGE_EXPIRED',
      );
      expect(grants.login).not.toHaveBeenCalled();
    }
  });

  it('records a spent recovery code with how many are left', async () => {
    const { service, audit, secondFactor } = setup();
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
    const { service, audit, secondFactor } = setup();
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

describe('SecondFactorStepService.withWebAuthn', () => {
  /** An answer that signed the WebAuthn challenge `signed-challenge`. */
  const RESPONSE = {
    id: 'cred-1',
    response: {
      clientDataJSON: Buffer.from(
        JSON.stringify({ type: 'webauthn.get', challenge: 'signed-challenge' }),
      ).toString('base64url'),
    },
  } as never;

  it('opens a password + hardware-key session once the passkey answers', async () => {
    const { service, grants, lockout, webauthn, challenges } = setup();
    webauthn.checkSecondFactor.mockResolvedValue({
      ok: true,
      factor: { id: 'f-1' } as never,
      userVerified: true,
    });
    const outcome = await service.withWebAuthn('t', RESPONSE, 'http://aegis.test', META);
    expect(lockout.beginAttempt.mock.invocationCallOrder[0]).toBeLessThan(
      webauthn.checkSecondFactor.mock.invocationCallOrder[0],
    );
    expect(challenges.spendWebAuthnChallenge).toHaveBeenCalledWith(
      CHALLENGE,
      hashChallenge('signed-challenge'),
    );
    expect(webauthn.checkSecondFactor).toHaveBeenCalledWith(
      'u-1',
      RESPONSE,
      'signed-challenge',
      'http://aegis.test',
    );
    expect(challenges.consume).toHaveBeenCalledWith(CHALLENGE);
    expect(grants.login).toHaveBeenCalledWith({ user: user() }, META, ['pwd', 'hwk']);
    expect(outcome).toMatchObject({ kind: 'granted', challengeAnswered: true });
  });

  it('refuses an answer to a WebAuthn challenge that is not the one stored (spent, stale or never sent)', async () => {
    const { service, grants, lockout, refusals, webauthn, challenges } = setup();
    challenges.spendWebAuthnChallenge.mockResolvedValue(false);
    expect(await codeOf(service.withWebAuthn('t', RESPONSE, undefined, META))).toBe(
      'WEBAUTHN_CHALLENGE_INVALID',
    );
    expect(webauthn.checkSecondFactor).not.toHaveBeenCalled();
    expect(lockout.failed).toHaveBeenCalledWith('u:u-1');
    expect(refusals.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'MFA_FAILED', reason: 'challenge_invalid' }),
    );
    expect(grants.login).not.toHaveBeenCalled();
  });

  it.each([
    ['unknown_credential', 'WEBAUTHN_RESPONSE_INVALID'],
    ['invalid', 'WEBAUTHN_RESPONSE_INVALID'],
    ['not_enrolled', 'MFA_METHOD_NOT_ENROLLED'],
    ['counter_rewound', 'PASSKEY_COUNTER_REWOUND'],
  ] as const)('refuses %s with %s, charged to the lockout and audited', async (reason, code) => {
    const { service, grants, lockout, refusals, webauthn } = setup();
    webauthn.checkSecondFactor.mockResolvedValue({
      ok: false,
      reason,
      ...(reason === 'counter_rewound' && {
        factor: { id: 'f-1' } as never,
        signCount: { stored: 7, presented: 3 },
      }),
    });
    expect(await codeOf(service.withWebAuthn('t', RESPONSE, undefined, META))).toBe(code);
    expect(lockout.failed).toHaveBeenCalledWith('u:u-1');
    expect(refusals.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'MFA_FAILED', reason, actorUserId: 'u-1' }),
    );
    if (reason === 'counter_rewound')
      expect(refusals.record).toHaveBeenCalledWith(
        expect.objectContaining({
          details: {
            method: 'webauthn',
            factor_id: 'f-1',
            stored_sign_count: 7,
            presented_sign_count: 3,
          },
        }),
      );
    expect(grants.login).not.toHaveBeenCalled();
  });
});
