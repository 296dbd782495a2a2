import { IsNull } from 'typeorm';
import { AuditAction } from '../src/audit/audit-action';
import { UnitOfWork } from '../src/database/unit-of-work';
import { UsersRepository } from '../src/users/users.repository';
import {
  enrolPasskey,
  PASSKEY_ENV,
  PASSKEY_ORIGIN,
  passkeyOptions,
} from './factories/passkey.factory';
import { logIn } from './factories/session.factory';
import { createUser, setUserActive } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { setCookiesOf } from './support/cookies';
import { countSessions, expectNoTokenIssued, expectProblem, lockoutOf } from './support/security';
import { createTestApp, type TestApp } from './support/test-app';
import { SoftwareAuthenticator } from './support/webauthn-authenticator';

describe('passwordless sign-in with a passkey', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { ...PASSKEY_ENV, MFA_REQUIRED_ROLES: 'admin' } });
  });
  afterAll(() => t.close());

  const passkeyLogin = (response: unknown, extra: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/auth/passkey/login')
      .send({ response, ...extra });

  /** A user with a passkey, and the sign-ins it makes from here on. */
  async function userWithPasskey(overrides: Parameters<typeof createUser>[1] = {}) {
    const who = await createUser(t, overrides);
    const { authenticator, factorId } = await enrolPasskey(t, await logIn(t, who));
    const signIn = async (options?: Record<string, unknown>) =>
      passkeyLogin(authenticator.authenticate(await passkeyOptions(t), options));
    return { who, authenticator, factorId, signIn };
  }

  it('signs in without a password: a login response, amr hwk + user, audited PASSKEY_LOGIN', async () => {
    const { who, authenticator, factorId } = await userWithPasskey();
    const options = await passkeyOptions(t);
    expect(options).toEqual({
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      rpId: 'aegis.test',
      timeout: 300_000,
      userVerification: 'required',
    });
    const signedIn = await passkeyLogin(authenticator.authenticate(options), { client: 'api' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({
      token_type: 'bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
    });
    expect(setCookiesOf(signedIn).aegis_token.value).toBe(signedIn.body.access_token);
    const me = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${signedIn.body.access_token}`);
    expect(me.body).toMatchObject({
      username: who.username,
      amr: ['hwk', 'user'],
      mfa_enabled: true,
    });
    expect(
      await auditEvents(t, { action: AuditAction.PasskeyLogin, actorUserId: who.user.id }),
    ).toEqual([expect.objectContaining({ resourceId: factorId, outcome: 'success' })]);
    expect(
      await auditEvents(t, { action: AuditAction.LoginSuccess, actorUserId: who.user.id }),
    ).toContainEqual(
      expect.objectContaining({ details: expect.objectContaining({ amr: 'hwk user' }) }),
    );
    const browser = await passkeyLogin(authenticator.authenticate(await passkeyOptions(t)));
    expect(browser.status).toBe(200);
    expect(browser.body.refresh_token).toBeUndefined();
  });

  it('counts as multi-factor for a role that requires it', async () => {
    const { signIn } = await userWithPasskey({ role: 'admin' as never });
    const signedIn = await signIn();
    const users = await t
      .http()
      .get('/users')
      .set('Authorization', `Bearer ${signedIn.body.access_token}`);
    expect(users.status).toBe(200);
  });

  it('refuses an unknown, expired or replayed challenge', async () => {
    const { authenticator } = await userWithPasskey();
    const forged = await passkeyLogin(
      authenticator.authenticate({ challenge: 'bm90LWlzc3VlZC1ieS1hZWdpcw', rpId: 'aegis.test' }),
    );
    expectProblem(forged, 401, 'WEBAUTHN_CHALLENGE_INVALID');
    expectNoTokenIssued(t, forged);

    const answer = authenticator.authenticate(await passkeyOptions(t));
    expect((await passkeyLogin(answer)).status).toBe(200);
    expectProblem(await passkeyLogin(answer), 401, 'WEBAUTHN_CHALLENGE_INVALID');

    const stale = await passkeyOptions(t);
    t.clock.advance(5 * 60_000);
    expectProblem(
      await passkeyLogin(authenticator.authenticate(stale)),
      401,
      'WEBAUTHN_CHALLENGE_INVALID',
    );
  });

  it('refuses an unknown credential, another site, a missing user verification, and audits each', async () => {
    const { who, authenticator, signIn } = await userWithPasskey();
    const stranger = new SoftwareAuthenticator(PASSKEY_ORIGIN);
    stranger.register({ challenge: 'x', rp: { id: 'aegis.test' }, user: { id: 'dW5rbm93bg' } });
    const unknown = await passkeyLogin(stranger.authenticate(await passkeyOptions(t)));
    expectProblem(unknown, 401, 'WEBAUTHN_RESPONSE_INVALID');
    expect(
      await auditEvents(t, { action: AuditAction.MfaFailed, actorUserId: IsNull() }),
    ).toContainEqual(
      expect.objectContaining({
        details: expect.objectContaining({ reason: 'unknown_credential' }),
      }),
    );

    expectProblem(
      await passkeyLogin(
        authenticator.authenticate(await passkeyOptions(t), { origin: 'https://evil.example' }),
      ),
      401,
      'WEBAUTHN_RESPONSE_INVALID',
    );
    expectProblem(await signIn({ userVerified: false }), 401, 'WEBAUTHN_RESPONSE_INVALID');
    expect(
      (await auditEvents(t, { action: AuditAction.MfaFailed, actorUserId: who.user.id })).map(
        (event) => event.details.reason,
      ),
    ).toEqual(['invalid']);
    expect((await lockoutOf(t, who.user.id))?.failures).toBe(2);
    // A good answer clears the count, as a right password does.
    expect((await signIn()).status).toBe(200);
    expect((await lockoutOf(t, who.user.id))?.failures ?? 0).toBe(0);
  });

  it('refuses a passkey whose signature counter went backwards (a copied key), audited with both counts', async () => {
    const { who, signIn } = await userWithPasskey();
    expect((await signIn()).status).toBe(200);
    expect((await signIn()).status).toBe(200);
    const sessions = await countSessions(t, who.user.id);
    const rewound = await signIn({ signCount: 1 });
    expectProblem(rewound, 401, 'PASSKEY_COUNTER_REWOUND');
    expectNoTokenIssued(t, rewound);
    expect(await countSessions(t, who.user.id)).toBe(sessions);
    expect(
      await auditEvents(t, { action: AuditAction.MfaFailed, actorUserId: who.user.id }),
    ).toEqual([
      expect.objectContaining({
        outcome: 'failure',
        details: expect.objectContaining({
          reason: 'counter_rewound',
          method: 'webauthn',
          passwordless: true,
          stored_sign_count: 2,
          presented_sign_count: 1,
        }),
      }),
    ]);
    // Equal is not forward either; a second refusal in the window is counted, not written again.
    expectProblem(await signIn({ signCount: 2 }), 401, 'PASSKEY_COUNTER_REWOUND');
    expect(
      await auditEvents(t, { action: AuditAction.MfaFailed, actorUserId: who.user.id }),
    ).toHaveLength(1);
    expect((await signIn({ signCount: 3 })).status).toBe(200);
  });

  it('accepts an authenticator that keeps no counter (always 0)', async () => {
    const who = await createUser(t);
    const { authenticator } = await enrolPasskey(
      t,
      await logIn(t, who),
      new SoftwareAuthenticator(PASSKEY_ORIGIN, 0),
    );
    for (let i = 0; i < 2; i++)
      expect((await passkeyLogin(authenticator.authenticate(await passkeyOptions(t)))).status).toBe(
        200,
      );
  });

  it('passes the gates of a password login: disabled account, locked account, one-time password', async () => {
    const disabled = await userWithPasskey();
    await setUserActive(t, disabled.who.user.id, false);
    expectProblem(await disabled.signIn(), 403, 'ACCOUNT_DISABLED');
    expect(
      await auditEvents(t, { action: AuditAction.LoginFailed, actorUserId: disabled.who.user.id }),
    ).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ reason: 'account_disabled' }) }),
    ]);

    const locked = await userWithPasskey();
    for (let i = 0; i < 5; i++) {
      const wrong = await t
        .http()
        .post('/auth/login')
        .send({ username: locked.who.username, password: 'not the password at all' });
      expect(wrong.status).toBe(401);
    }
    const throttled = await locked.signIn();
    expectProblem(throttled, 429, 'ACCOUNT_THROTTLED');
    expect(throttled.headers['retry-after']).toBeDefined();

    // An administrator reset the password: a one-time password, to be changed at the next sign-in.
    const reset = await userWithPasskey();
    await t.app.get(UnitOfWork).run(() =>
      t.app.get(UsersRepository).update(reset.who.user.id, {
        mustChangePassword: true,
        passwordChangedAt: t.clock.now(),
      }),
    );
    const limited = await reset.signIn();
    expect(limited.status).toBe(200);
    const elsewhere = await t
      .http()
      .get('/auth/sessions')
      .set('Authorization', `Bearer ${limited.body.access_token}`);
    expectProblem(elsewhere, 403, 'PASSWORD_CHANGE_REQUIRED');
    t.clock.advance(7 * 24 * 3600_000);
    expectProblem(await reset.signIn(), 401, 'ONE_TIME_PASSWORD_EXPIRED');
  });

  it('no longer signs in with a removed passkey', async () => {
    const who = await createUser(t);
    const session = await logIn(t, who);
    const { authenticator, factorId } = await enrolPasskey(t, session);
    await t
      .http()
      .delete(`/auth/mfa/${factorId}`)
      .set('Authorization', `Bearer ${session.accessToken}`)
      .expect(204);
    expectProblem(
      await passkeyLogin(authenticator.authenticate(await passkeyOptions(t))),
      401,
      'WEBAUTHN_RESPONSE_INVALID',
    );
  });
});
