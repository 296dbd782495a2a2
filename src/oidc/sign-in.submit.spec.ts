import { AuthMethod } from '../common/access/authentication-method';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import type { VerifiedLogin } from '../auth/credential-verification.service';
import { Role } from '../common/access/role';
import { META, NOW, GRANT, user } from '../../test/support/auth-fixtures';
import {
  browserSession,
  finishedWith,
  granted,
  interaction,
  reply,
  request,
  signInService,
  UID,
  type SignInRig,
} from '../../test/support/sign-in-rig';
import { ACR_MULTI_FACTOR } from './acr';
import type { SignInAttempt } from './sign-in-attempt';
import { expiredPage, setUpFactorPage } from './sign-in-pages';

const RESUMED = { redirect: '/oidc/auth/resume' };
const VERIFIED: VerifiedLogin = { user: user(), accountKey: 'u:u-1' };

const submit = (rig: SignInRig, attempt: SignInAttempt, details = interaction()) =>
  rig.service.submit(request(), reply(), { details, attempt }, META);
const password = (verified: VerifiedLogin = VERIFIED): SignInAttempt => ({
  step: 'password',
  verified,
  username: verified.user.username,
});

describe('SignInService.submit: before the password is looked at', () => {
  it('says when to retry a client over the login rate limit', async () => {
    const rig = signInService();
    const view = await submit(rig, { step: 'rate_limited', retryAfterSeconds: 42 });
    expect(view).toMatchObject({ status: 429, retryAfterSeconds: 42 });
    expect(view).toMatchObject({ html: expect.stringContaining('Too many attempts') });
  });

  it('is the expired page for an unknown interaction, or an expired one', async () => {
    const rig = signInService();
    expect(await submit(rig, password(), null as never)).toEqual(expiredPage());
    expect(await submit(rig, { step: 'expired' })).toEqual(expiredPage());
    expect(rig.logins.afterPassword).not.toHaveBeenCalled();
  });
});

describe('SignInService.submit: the password step', () => {
  it('shows the password form again with what went wrong, keeping the username', async () => {
    const rig = signInService();
    const view = await submit(rig, {
      step: 'password',
      error: new AuthError(AuthErrorCode.InvalidCredentials),
      username: 'alice',
    });
    expect(view).toMatchObject({ status: 401, retryAfterSeconds: undefined });
    expect(view).toMatchObject({ html: expect.stringContaining('value="alice"') });
    expect(view).toMatchObject({
      html: expect.stringContaining('username or password is incorrect'),
    });
  });

  it('says when a throttled account may try again', async () => {
    const rig = signInService();
    const error = new AuthError(AuthErrorCode.AccountThrottled, { retryAfterSeconds: 120 });
    const view = await submit(rig, { step: 'password', error, username: 'alice' });
    expect(view).toMatchObject({ status: 429, retryAfterSeconds: 120 });
    const empty = await submit(rig, { step: 'password', error: 'missing_fields', username: '' });
    expect(empty).toMatchObject({ status: 400, retryAfterSeconds: undefined });
  });

  it('signs in an account without a second factor and returns to the provider with the new session', async () => {
    const rig = signInService();
    expect(await submit(rig, password())).toEqual(RESUMED);
    expect(rig.logins.afterPassword).toHaveBeenCalledWith(VERIFIED, META, 'browser', {
      secondFactorRequired: false,
    });
    expect(rig.cookies.issue).toHaveBeenCalledWith(reply(), GRANT);
    expect(finishedWith(rig)).toEqual({
      userId: 'u-1',
      sessionId: 's-1',
      authenticatedAt: NOW,
      amr: ['pwd'],
    });
    expect(rig.links.handOver).not.toHaveBeenCalled();
  });

  it("hands the tools of the browser's earlier session of the same user over to the new one", async () => {
    const rig = signInService();
    rig.browser.recognise.mockResolvedValue(browserSession({ sessionId: 's-old' }));
    await submit(rig, password());
    expect(rig.links.handOver).toHaveBeenCalledWith('s-old', 's-1', 'u-1');
  });

  it("leaves another user's session, and the same session, alone", async () => {
    const rig = signInService();
    rig.browser.recognise.mockResolvedValue(
      browserSession({ user: user({ id: 'u-2' }), sessionId: 's-bob' }),
    );
    await submit(rig, password());
    rig.browser.recognise.mockResolvedValue(browserSession({ sessionId: 's-1' }));
    await submit(rig, password());
    expect(rig.links.handOver).not.toHaveBeenCalled();
    expect(rig.cookies.issue).toHaveBeenCalledTimes(2);
  });

  it('refuses an account that must change its password, settling the attempt, opening nothing', async () => {
    const rig = signInService();
    const verified = { ...VERIFIED, user: user({ mustChangePassword: true }) };
    const view = await submit(rig, password(verified));
    expect(view).toMatchObject({
      status: 403,
      html: expect.stringContaining('Change your password first'),
    });
    expect(rig.logins.refusedAfterPassword).toHaveBeenCalledWith(verified);
    expect(rig.logins.afterPassword).not.toHaveBeenCalled();
    expect(rig.cookies.issue).not.toHaveBeenCalled();
  });

  it('asks the login for a second factor when the client or the role needs one', async () => {
    const rig = signInService();
    await submit(rig, password(), interaction({ params: { acr_values: ACR_MULTI_FACTOR } }));
    const admin = { ...VERIFIED, user: user({ role: Role.Admin }) };
    await submit(rig, password(admin));
    expect(rig.logins.afterPassword.mock.calls.map((call) => call[3])).toEqual([
      { secondFactorRequired: true },
      { secondFactorRequired: true },
    ]);
  });

  it('sends an account without the second factor it needs to set one up', async () => {
    const rig = signInService();
    rig.logins.afterPassword.mockRejectedValue(new AuthError(AuthErrorCode.MfaEnrolmentRequired));
    expect(await submit(rig, password())).toEqual(setUpFactorPage());
    expect(rig.cookies.issue).not.toHaveBeenCalled();
  });

  it('lets any other failure of the login through', async () => {
    const rig = signInService();
    const disabled = new AuthError(AuthErrorCode.AccountDisabled);
    rig.logins.afterPassword.mockRejectedValueOnce(disabled);
    await expect(submit(rig, password())).rejects.toBe(disabled);
    const outage = new Error('database gone');
    rig.logins.afterPassword.mockRejectedValueOnce(outage);
    await expect(submit(rig, password())).rejects.toBe(outage);
  });

  it('keeps the challenge in a cookie for this interaction and asks for the second factor', async () => {
    const rig = signInService();
    rig.logins.afterPassword.mockResolvedValue({
      kind: 'mfa_required',
      challenge: { token: 'new-challenge', expiresInSeconds: 300 },
      methods: ['totp', 'webauthn'] as never,
    });
    const view = await submit(rig, password());
    expect(rig.challengeCookie.issue).toHaveBeenCalledWith(reply(), UID, 'new-challenge', 300);
    expect(view).toMatchObject({ status: 200, html: expect.stringContaining('alice') });
    expect(view).toMatchObject({ html: expect.stringContaining(`/oidc/interaction/${UID}`) });
    expect(rig.cookies.issue).not.toHaveBeenCalled();
    expect(rig.interactions.finish).not.toHaveBeenCalled();
  });

  it('opens the session the login granted with the methods it says', async () => {
    const rig = signInService();
    rig.logins.afterPassword.mockResolvedValue(
      granted({ amr: [AuthMethod.Password, AuthMethod.HardwareKey] }),
    );
    await submit(rig, password());
    expect(finishedWith(rig)).toMatchObject({ amr: ['pwd', 'hwk'] });
  });
});
