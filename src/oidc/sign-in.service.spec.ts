import { LoginStepError, LoginStepErrorCode } from '../auth/login/login-step.error';
import { Role } from '../common/access/role';
import { META, NOW, account, codeOf } from '../../test/support/auth-fixtures';
import {
  CHALLENGE_TOKEN,
  ORIGIN,
  UID,
  browserSession,
  finishedWith,
  interaction,
  reply,
  request,
  signInService,
  type SignInRig,
} from '../../test/support/sign-in-rig';
import { ACR_MULTI_FACTOR, ACR_PASSWORD } from './acr';
import type { InteractionView } from './interaction-finisher.service';
import { expiredPage } from './sign-in-pages';

const RESUMED = { redirect: '/oidc/auth/resume' };
const NOTICE = 'This tool needs your second factor';

const show = (rig: SignInRig, details = interaction()) => {
  rig.interactions.details.mockResolvedValue(details);
  return rig.service.show(request(), reply(), META);
};
const passwordForm = (view: InteractionView) =>
  'html' in view && view.status === 200 && view.html.includes('id="password"');

describe('SignInService.show: what the browser gets', () => {
  it('is the expired page for an unknown interaction, or a prompt it cannot answer', async () => {
    const rig = signInService();
    rig.interactions.details.mockResolvedValue(null);
    expect(await rig.service.show(request(), reply(), META)).toEqual(expiredPage());
    expect(await show(rig, interaction({ prompt: 'select_account' }))).toEqual(expiredPage());
    expect(rig.interactions.finish).not.toHaveBeenCalled();
  });

  it("hands a consent prompt to the provider's side, or the expired page when it has no answer", async () => {
    const rig = signInService();
    const details = interaction({ prompt: 'consent' });
    rig.interactions.consent.mockResolvedValueOnce(RESUMED);
    expect(await show(rig, details)).toEqual(RESUMED);
    expect(rig.interactions.consent).toHaveBeenCalledWith(request(), reply(), details, META);
    expect(await show(rig, details)).toEqual(expiredPage());
  });

  it('is the password form for a browser without an Aegis session', async () => {
    const rig = signInService();
    const view = await show(rig);
    expect(passwordForm(view)).toBe(true);
    expect(view).toMatchObject({ html: expect.stringContaining('The Tool') });
    expect(rig.interactions.finish).not.toHaveBeenCalled();
  });
});

describe('SignInService.show: a browser with an Aegis session', () => {
  it('is signed in without a prompt, with the session it holds', async () => {
    const rig = signInService();
    const held = browserSession();
    rig.browser.recognise.mockResolvedValue(held);
    expect(await show(rig)).toEqual(RESUMED);
    expect(finishedWith(rig)).toEqual({
      userId: 'u-1',
      sessionId: 's-old',
      authenticatedAt: held.authenticatedAt,
      amr: ['pwd'],
    });
  });

  it.each(['login_prompt', 'id_token_hint'])(
    'is asked for the password when the client wants a fresh sign-in (%s)',
    async (reason) => {
      const rig = signInService();
      rig.browser.recognise.mockResolvedValue(browserSession());
      expect(passwordForm(await show(rig, interaction({ reasons: ['no_session', reason] })))).toBe(
        true,
      );
      expect(rig.browser.recognise).not.toHaveBeenCalled();
      expect(rig.interactions.finish).not.toHaveBeenCalled();
    },
  );

  it('is asked for the password when its account must change its password', async () => {
    const rig = signInService();
    rig.browser.recognise.mockResolvedValue(
      browserSession({ user: account({ mustChangePassword: true }) }),
    );
    expect(passwordForm(await show(rig))).toBe(true);
    expect(rig.interactions.finish).not.toHaveBeenCalled();
  });

  it('is asked for the password when its sign-in is older than max_age, not when it is as old', async () => {
    const rig = signInService();
    rig.browser.recognise.mockResolvedValue(
      browserSession({ authenticatedAt: new Date(NOW.getTime() - 600_000) }),
    );
    expect(passwordForm(await show(rig, interaction({ params: { max_age: 599 } })))).toBe(true);
    expect(rig.interactions.finish).not.toHaveBeenCalled();
    expect(await show(rig, interaction({ params: { max_age: 600 } }))).toEqual(RESUMED);
  });

  it('is asked for the password then the second factor when the session used only a password and the account has one', async () => {
    const rig = signInService();
    rig.browser.recognise.mockResolvedValue(browserSession());
    rig.logins.hasSecondFactor.mockImplementation(async (userId) => userId === 'u-1');
    const view = await show(rig);
    expect(passwordForm(view)).toBe(true);
    expect(view).toMatchObject({ html: expect.stringContaining(NOTICE) });
    expect(rig.interactions.finish).not.toHaveBeenCalled();
  });

  it('is signed in when the session already used a second factor, whatever is required', async () => {
    const rig = signInService();
    rig.browser.recognise.mockResolvedValue(
      browserSession({ user: account({ role: Role.Admin }), amr: ['pwd', 'otp'] }),
    );
    rig.logins.hasSecondFactor.mockResolvedValue(true);
    const details = interaction({ params: { acr_values: ACR_MULTI_FACTOR } });
    expect(await show(rig, details)).toEqual(RESUMED);
    expect(finishedWith(rig)).toMatchObject({ amr: ['pwd', 'otp'] });
  });

  it('is asked for the second factor when the client asks for multi-factor (acr_values)', async () => {
    const rig = signInService();
    rig.browser.recognise.mockResolvedValue(browserSession());
    const view = await show(rig, interaction({ params: { acr_values: ACR_MULTI_FACTOR } }));
    expect(view).toMatchObject({ html: expect.stringContaining(NOTICE) });
    expect(
      await show(
        rig,
        interaction({ params: { acr_values: `${ACR_PASSWORD} ${ACR_MULTI_FACTOR}` } }),
      ),
    ).toEqual(RESUMED);
  });

  it("is asked for the second factor when the account's role needs one", async () => {
    const rig = signInService();
    rig.browser.recognise.mockResolvedValue(
      browserSession({ user: account({ role: Role.Admin }) }),
    );
    expect(await show(rig)).toMatchObject({ html: expect.stringContaining(NOTICE) });
    expect(rig.interactions.finish).not.toHaveBeenCalled();
  });
});

describe('SignInService.passkeyOptions', () => {
  it('gives the options of the login challenge this browser holds for this interaction', async () => {
    const rig = signInService();
    rig.interactions.details.mockResolvedValue(interaction());
    const options = { challenge: 'c', rpId: 'id.example.com' };
    rig.secondFactorStep.passkeyOptions.mockResolvedValue(options);
    expect(await rig.service.passkeyOptions(request(), reply(), UID)).toBe(options);
    expect(rig.secondFactorStep.passkeyOptions).toHaveBeenCalledWith(CHALLENGE_TOKEN, ORIGIN);
  });

  it('refuses another interaction than the one in progress, or one past its login prompt', async () => {
    const rig = signInService();
    rig.interactions.details.mockResolvedValue(interaction());
    expect(await codeOf(rig.service.passkeyOptions(request(), reply(), 'interaction-2'))).toBe(
      'MFA_CHALLENGE_EXPIRED',
    );
    rig.interactions.details.mockResolvedValue(interaction({ prompt: 'consent' }));
    expect(await codeOf(rig.service.passkeyOptions(request(), reply(), UID))).toBe(
      'MFA_CHALLENGE_EXPIRED',
    );
    rig.interactions.details.mockResolvedValue(null);
    expect(await codeOf(rig.service.passkeyOptions(request(), reply(), UID))).toBe(
      'MFA_CHALLENGE_EXPIRED',
    );
    expect(rig.secondFactorStep.passkeyOptions).not.toHaveBeenCalled();
  });

  it('passes on a refusal of the login step (no live challenge)', async () => {
    const rig = signInService();
    rig.interactions.details.mockResolvedValue(interaction());
    rig.secondFactorStep.passkeyOptions.mockRejectedValue(
      new LoginStepError(LoginStepErrorCode.MethodNotEnrolled),
    );
    expect(await codeOf(rig.service.passkeyOptions(request(), reply(), UID))).toBe(
      'MFA_METHOD_NOT_ENROLLED',
    );
  });
});
