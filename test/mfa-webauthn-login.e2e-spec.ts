import { AuditAction } from '../src/audit/audit-action';
import { passwordStep, withTotp } from './factories/mfa.factory';
import { enrolPasskey, PASSKEY_ENV } from './factories/passkey.factory';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { setCookiesOf } from './support/cookies';
import { expectNoTokenIssued, expectProblem, lockoutOf } from './support/security';
import { createTestApp, type TestApp } from './support/test-app';

describe('passkeys as a second factor (WebAuthn)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: PASSKEY_ENV });
  });
  afterAll(() => t.close());

  const webauthnOptions = (mfaToken: string) =>
    t.http().post('/auth/mfa/webauthn/options').send({ mfa_token: mfaToken });
  const verify = (mfaToken: string, response: unknown) =>
    t.http().post('/auth/mfa/verify').send({ mfa_token: mfaToken, method: 'webauthn', response });

  it('signs in with password + passkey, answering exactly as a login (client=api, cookies)', async () => {
    const dave = await createUser(t);
    const { authenticator } = await enrolPasskey(t, await logIn(t, dave));
    const login = await t
      .http()
      .post('/auth/login')
      .send({ username: dave.username, password: dave.password, client: 'api' });
    expectProblem(login, 401, 'MFA_REQUIRED');
    expect(login.body.methods).toEqual(['webauthn', 'recovery_code']);
    const mfaToken = login.body.mfa_token as string;

    const options = await webauthnOptions(mfaToken);
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({
      rpId: 'aegis.test',
      userVerification: 'preferred',
      allowCredentials: [
        { id: authenticator.credentials[0].id.toString('base64url'), type: 'public-key' },
      ],
    });
    const verified = await verify(mfaToken, authenticator.authenticate(options.body));
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      token_type: 'bearer',
      refresh_token: expect.any(String),
    });
    expect(setCookiesOf(verified).aegis_token.value).toBe(verified.body.access_token);
    const me = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${verified.body.access_token}`);
    expect(me.body).toMatchObject({ mfa_enabled: true, amr: ['pwd', 'hwk'] });
    expect(
      await auditEvents(t, { action: AuditAction.MfaVerified, actorUserId: dave.user.id }),
    ).toEqual([expect.objectContaining({ details: { method: 'webauthn' } })]);

    // In a browser: the aegis_mfa cookie carries the challenge to both routes.
    const browser = await t
      .http()
      .post('/auth/login')
      .send({ username: dave.username, password: dave.password });
    const cookie = `aegis_mfa=${setCookiesOf(browser).aegis_mfa.value}`;
    const cookieOptions = await t
      .http()
      .post('/auth/mfa/webauthn/options')
      .set('Cookie', cookie)
      .send({});
    const byCookie = await t
      .http()
      .post('/auth/mfa/verify')
      .set('Cookie', cookie)
      .send({ method: 'webauthn', response: authenticator.authenticate(cookieOptions.body) });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body.refresh_token).toBeUndefined();
  });

  it('refuses a second-factor answer without options, replayed, of another account, badly signed, or with a rewound counter', async () => {
    const erin = await createUser(t);
    const { authenticator } = await enrolPasskey(t, await logIn(t, erin));
    const mallory = await createUser(t);
    const { authenticator: foreign } = await enrolPasskey(t, await logIn(t, mallory));
    // One sign-in first: the server now holds counter 1 for Erin's passkey.
    const earlier = await passwordStep(t, erin);
    const earlierOptions = (await webauthnOptions(earlier)).body;
    expect((await verify(earlier, authenticator.authenticate(earlierOptions))).status).toBe(200);
    const mfaToken = await passwordStep(t, erin);

    const unasked = await verify(
      mfaToken,
      authenticator.authenticate({ challenge: 'bm90LWlzc3VlZA', rpId: 'aegis.test' }),
    );
    expectProblem(unasked, 401, 'WEBAUTHN_CHALLENGE_INVALID');
    expectNoTokenIssued(t, unasked);

    const options = (await webauthnOptions(mfaToken)).body;
    const answer = foreign.authenticate({ ...options, allowCredentials: undefined });
    expectProblem(await verify(mfaToken, answer), 401, 'WEBAUTHN_RESPONSE_INVALID');

    const next = (await webauthnOptions(mfaToken)).body;
    const signed = authenticator.authenticate(next);
    const tampered = {
      ...signed,
      response: {
        ...signed.response,
        signature: foreign.authenticate({ ...next, allowCredentials: undefined }).response
          .signature,
      },
    };
    expectProblem(await verify(mfaToken, tampered), 401, 'WEBAUTHN_RESPONSE_INVALID');
    // The genuine answer came too late: its challenge was spent by the tampered one.
    expectProblem(await verify(mfaToken, signed), 401, 'WEBAUTHN_CHALLENGE_INVALID');

    const rewindOptions = (await webauthnOptions(mfaToken)).body;
    const rewound = authenticator.authenticate(rewindOptions, { signCount: 1 });
    expectProblem(await verify(mfaToken, rewound), 401, 'PASSKEY_COUNTER_REWOUND');
    expect(
      (await auditEvents(t, { action: AuditAction.MfaFailed, actorUserId: erin.user.id })).map(
        (event) => event.details.reason,
      ),
    ).toEqual(['challenge_invalid', 'unknown_credential', 'invalid', 'counter_rewound']);
    expect(
      (await auditEvents(t, { action: AuditAction.MfaFailed, actorUserId: erin.user.id })).at(-1)
        ?.details,
    ).toMatchObject({ method: 'webauthn', stored_sign_count: 1, presented_sign_count: 1 });
    // Five wrong answers: the challenge is dead, and the failures count in the account's lockout.
    expect((await lockoutOf(t, erin.user.id))?.failures).toBe(5);
    expectProblem(await webauthnOptions(mfaToken), 401, 'MFA_CHALLENGE_EXPIRED');
  });

  it('answers MFA_METHOD_NOT_ENROLLED for passkey options when the account has only an authenticator app', async () => {
    const frank = await createUser(t);
    await withTotp(t, frank);
    expectProblem(
      await webauthnOptions(await passwordStep(t, frank)),
      401,
      'MFA_METHOD_NOT_ENROLLED',
    );
  });
});
