import { hashChallenge } from '../../mfa/webauthn-credentials';
import { META, codeOf, user } from '../../../test/support/auth-fixtures';
import { CHALLENGE, secondFactorStep } from '../../../test/support/second-factor-step-rig';

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
    const { service, grants, lockout, webauthn, challenges } = secondFactorStep();
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
    const { service, grants, lockout, refusals, webauthn, challenges } = secondFactorStep();
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
    const { service, grants, lockout, refusals, webauthn } = secondFactorStep();
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
