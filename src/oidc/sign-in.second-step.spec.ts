import { AuthMethod } from '../common/access/authentication-method';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import { LoginStepError, LoginStepErrorCode } from '../auth/login/login-step.error';
import { MfaMethod } from '../common/access/mfa-method';
import { GRANT, META, NOW, user } from '../../test/support/auth-fixtures';
import {
  CHALLENGE_TOKEN,
  ORIGIN,
  finishedWith,
  granted,
  interaction,
  reply,
  request,
  signInService,
  type SignInRig,
} from '../../test/support/sign-in-rig';
import type { SignInAttempt } from './sign-in-attempt';

const RESUMED = { redirect: '/oidc/auth/resume' };
const PASSKEY_ANSWER = { id: 'cred-1' } as AuthenticationResponseJSON;
const DIED = 'Too many wrong answers, or the second step took too long';

/** A rig whose login step accepts the answer with a second factor. */
function setup() {
  const rig = signInService();
  rig.secondFactorStep.withCode.mockResolvedValue(
    granted({ challengeAnswered: true, amr: [AuthMethod.Password, AuthMethod.OneTimeCode] }),
  );
  rig.secondFactorStep.withWebAuthn.mockResolvedValue(
    granted({ challengeAnswered: true, amr: [AuthMethod.Password, AuthMethod.HardwareKey] }),
  );
  return rig;
}

const submit = (rig: SignInRig, attempt: SignInAttempt, details = interaction()) =>
  rig.service.submit(request(), reply(), { details, attempt }, META);
const code = (typed: string | null): SignInAttempt => ({ step: 'code', code: typed });
const html = (view: unknown) => (view as { html: string }).html;

describe('SignInService.submit: a code for the second step', () => {
  it("answers this interaction's challenge and returns to the provider with a multi-factor session", async () => {
    const rig = setup();
    expect(await submit(rig, code('123456'))).toEqual(RESUMED);
    expect(rig.secondFactorStep.withCode).toHaveBeenCalledWith(
      CHALLENGE_TOKEN,
      MfaMethod.Totp,
      '123456',
      META,
    );
    expect(rig.challengeCookie.clear).toHaveBeenCalledWith(reply());
    expect(rig.cookies.issue).toHaveBeenCalledWith(reply(), GRANT);
    expect(finishedWith(rig)).toEqual({
      userId: 'u-1',
      sessionId: 's-1',
      authenticatedAt: NOW,
      amr: ['pwd', 'otp'],
    });
  });

  it.each([
    ['123 456', MfaMethod.Totp],
    ['12345', MfaMethod.RecoveryCode],
    ['1234567', MfaMethod.RecoveryCode],
    ['x123456', MfaMethod.RecoveryCode],
    ['ABCD-EFGH-JKMN-PQRS', MfaMethod.RecoveryCode],
  ])('takes "%s" for a %s', async (typed, method) => {
    const rig = setup();
    await submit(rig, code(typed));
    expect(rig.secondFactorStep.withCode).toHaveBeenCalledWith(
      CHALLENGE_TOKEN,
      method,
      typed,
      META,
    );
  });

  it('sends no token for a challenge cookie of another interaction', async () => {
    const rig = setup();
    const other = { ...interaction(), uid: 'interaction-2' } as ReturnType<typeof interaction>;
    await submit(rig, code('123456'), other);
    expect(rig.secondFactorStep.withCode).toHaveBeenCalledWith(
      undefined,
      MfaMethod.Totp,
      '123456',
      META,
    );
  });

  it('asks again for an empty code, checking nothing', async () => {
    const rig = setup();
    const view = await submit(rig, code(null));
    expect(view).toMatchObject({ status: 400 });
    expect(html(view)).toContain('Enter the code from your authenticator app');
    expect(rig.secondFactorStep.withCode).not.toHaveBeenCalled();
    expect(rig.secondFactorStep.pending).toHaveBeenCalledWith(CHALLENGE_TOKEN);
    expect(rig.challengeCookie.clear).not.toHaveBeenCalled();
  });

  it('says a wrong code is wrong while the challenge lives, offering the methods the user has', async () => {
    const rig = setup();
    rig.secondFactorStep.withCode.mockRejectedValue(
      new LoginStepError(LoginStepErrorCode.CodeInvalid),
    );
    rig.secondFactorStep.pending.mockResolvedValue({
      user: user({ username: 'carol' }),
      methods: [MfaMethod.Totp, MfaMethod.WebAuthn],
    });
    const view = await submit(rig, code('000000'));
    expect(view).toMatchObject({ status: 401, retryAfterSeconds: undefined });
    expect(html(view)).toContain('That code is not right');
    expect(html(view)).toContain('carol');
    expect(html(view)).toContain('/passkey-options');
    expect(rig.challengeCookie.clear).not.toHaveBeenCalled();
    expect(rig.cookies.issue).not.toHaveBeenCalled();
    expect(rig.interactions.finish).not.toHaveBeenCalled();
  });

  it('says when a throttled account may answer again', async () => {
    const rig = setup();
    rig.secondFactorStep.withCode.mockRejectedValue(
      new AuthError(AuthErrorCode.AccountThrottled, { retryAfterSeconds: 90 }),
    );
    expect(await submit(rig, code('123456'))).toMatchObject({ status: 429, retryAfterSeconds: 90 });
  });

  it('goes back to the password form when the challenge is dead (expired, used up, never issued)', async () => {
    const rig = setup();
    rig.secondFactorStep.withCode.mockRejectedValue(
      new LoginStepError(LoginStepErrorCode.ChallengeExpired),
    );
    const view = await submit(rig, code('123456'));
    expect(view).toMatchObject({ status: 401 });
    expect(html(view)).toContain(DIED);
    expect(html(view)).toContain('id="password"');
    expect(rig.secondFactorStep.pending).not.toHaveBeenCalled();
    expect(rig.challengeCookie.clear).toHaveBeenCalledWith(reply());
  });

  it('goes back to the password form when this wrong code was the last the challenge allowed', async () => {
    const rig = setup();
    rig.secondFactorStep.withCode.mockRejectedValue(
      new LoginStepError(LoginStepErrorCode.CodeInvalid),
    );
    rig.secondFactorStep.pending.mockResolvedValue(null);
    const view = await submit(rig, code('000000'));
    expect(view).toMatchObject({ status: 401 });
    expect(html(view)).toContain(DIED);
    expect(rig.challengeCookie.clear).toHaveBeenCalled();
  });

  it('lets a failure that is no refusal through, keeping the challenge', async () => {
    const rig = setup();
    const outage = new Error('database gone');
    rig.secondFactorStep.withCode.mockRejectedValue(outage);
    await expect(submit(rig, code('123456'))).rejects.toBe(outage);
    expect(rig.challengeCookie.clear).not.toHaveBeenCalled();
  });
});

describe('SignInService.submit: a passkey for the second step', () => {
  it("answers this interaction's challenge with the passkey, for the origin reached", async () => {
    const rig = setup();
    const attempt: SignInAttempt = { step: 'passkey', response: PASSKEY_ANSWER };
    expect(await submit(rig, attempt)).toEqual(RESUMED);
    expect(rig.secondFactorStep.withWebAuthn).toHaveBeenCalledWith(
      CHALLENGE_TOKEN,
      PASSKEY_ANSWER,
      ORIGIN,
      META,
    );
    expect(rig.secondFactorStep.withCode).not.toHaveBeenCalled();
    expect(rig.challengeCookie.clear).toHaveBeenCalled();
    expect(finishedWith(rig)).toMatchObject({ amr: ['pwd', 'hwk'] });
  });

  it('asks again when the browser sent no usable answer', async () => {
    const rig = setup();
    const view = await submit(rig, { step: 'passkey', response: null });
    expect(view).toMatchObject({ status: 400 });
    expect(html(view)).toContain('Your browser sent no usable passkey answer');
    expect(rig.secondFactorStep.withWebAuthn).not.toHaveBeenCalled();
  });

  it('says a refused passkey was refused', async () => {
    const rig = setup();
    rig.secondFactorStep.withWebAuthn.mockRejectedValue(
      new LoginStepError(LoginStepErrorCode.PasskeyCounterRewound),
    );
    const view = await submit(rig, { step: 'passkey', response: PASSKEY_ANSWER });
    expect(view).toMatchObject({ status: 401 });
    expect(html(view)).toContain('answered like a copy of itself');
  });
});
