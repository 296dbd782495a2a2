import { AuditAction } from '../src/audit/audit-action';
import { MfaFactor } from '../src/mfa/entities/mfa-factor.entity';
import { passwordStep, withTotp } from './factories/mfa.factory';
import {
  bearer,
  enrolPasskey,
  PASSKEY_ENV,
  PASSKEY_ORIGIN,
  registrationOptions,
} from './factories/passkey.factory';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { setCookiesOf } from './support/cookies';
import { expectNoTokenIssued, expectProblem, lockoutOf } from './support/security';
import { createTestApp, type TestApp } from './support/test-app';
import { SoftwareAuthenticator } from './support/webauthn-authenticator';

describe('passkeys as a second factor (WebAuthn)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: PASSKEY_ENV });
  });
  afterAll(() => t.close());

  const register = (session: { accessToken: string }, body: Record<string, unknown>) =>
    t
      .http()
      .post('/auth/mfa/webauthn/registration')
      .set('Authorization', `Bearer ${session.accessToken}`)
      .send(body);
  const webauthnOptions = (mfaToken: string) =>
    t.http().post('/auth/mfa/webauthn/options').send({ mfa_token: mfaToken });
  const verify = (mfaToken: string, response: unknown) =>
    t.http().post('/auth/mfa/verify').send({ mfa_token: mfaToken, method: 'webauthn', response });

  it('enrols a passkey: options for this site, the first one comes with recovery codes, the session becomes multi-factor', async () => {
    const alice = await createUser(t);
    const session = await logIn(t, alice);
    const options = await registrationOptions(t, session);
    expect(options).toMatchObject({
      rp: { id: 'aegis.test', name: 'Aegis (aegis.test)' },
      user: { name: alice.username, id: Buffer.from(alice.user.id).toString('base64url') },
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      attestation: 'none',
      excludeCredentials: [],
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      timeout: 300_000,
    });
    const authenticator = new SoftwareAuthenticator(PASSKEY_ORIGIN);
    const created = await register(session, {
      response: authenticator.register(options),
      label: 'Laptop',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      kind: 'webauthn',
      label: 'Laptop',
      created_at: expect.any(String),
      last_used_at: null,
      recovery_codes: expect.arrayContaining([expect.any(String)]),
    });
    expect(created.body.recovery_codes).toHaveLength(10);
    const me = await t.http().get('/auth/me').set('Authorization', bearer(session));
    expect(me.body).toMatchObject({ mfa_enabled: true, amr: ['pwd', 'hwk'] });

    // A second passkey: no new recovery codes, and the first is excluded from its options.
    const second = await registrationOptions(t, session);
    expect(second.excludeCredentials).toEqual([
      {
        id: authenticator.credentials[0].id.toString('base64url'),
        type: 'public-key',
        transports: ['internal'],
      },
    ]);
    const other = new SoftwareAuthenticator(PASSKEY_ORIGIN);
    const again = await register(session, { response: other.register(second) });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ kind: 'webauthn', label: 'Passkey', recovery_codes: [] });
    const listed = await t.http().get('/auth/mfa').set('Authorization', bearer(session));
    expect(listed.body.factors.map((factor: { kind: string }) => factor.kind)).toEqual([
      'webauthn',
      'webauthn',
    ]);
    expect(listed.body.recovery_codes_left).toBe(10);
    expect(JSON.stringify(listed.body)).not.toMatch(/public_key|credential/);
    expect(
      await auditEvents(t, { action: AuditAction.MfaEnrolled, actorUserId: alice.user.id }),
    ).toHaveLength(2);
  });

  it('needs a recent authentication to enrol, like an authenticator app', async () => {
    const bob = await createUser(t);
    const session = await logIn(t, bob);
    const options = await registrationOptions(t, session);
    t.clock.advance(5 * 60_000 + 1_000);
    const late = await register(session, {
      response: new SoftwareAuthenticator(PASSKEY_ORIGIN).register(options),
    });
    expectProblem(late, 403, 'REAUTHENTICATION_REQUIRED');
    const moreOptions = await t
      .http()
      .post('/auth/mfa/webauthn/registration/options')
      .set('Authorization', bearer(session))
      .send({});
    expectProblem(moreOptions, 403, 'REAUTHENTICATION_REQUIRED');
  });

  it('refuses a registration answer that is replayed, expired, of another session, for another site, or a second copy', async () => {
    const carol = await createUser(t);
    const session = await logIn(t, carol);
    const authenticator = new SoftwareAuthenticator(PASSKEY_ORIGIN);

    const options = await registrationOptions(t, session);
    const phished = await register(session, {
      response: authenticator.register(options, { origin: 'https://aegis.test.evil.example' }),
    });
    expectProblem(phished, 400, 'WEBAUTHN_REGISTRATION_INVALID');
    // The wrong answer used the challenge up: the right one for it is refused too.
    const afterWrong = await register(session, { response: authenticator.register(options) });
    expectProblem(afterWrong, 400, 'WEBAUTHN_REGISTRATION_INVALID');

    const otherSession = await logIn(t, carol);
    const foreign = await registrationOptions(t, otherSession);
    expectProblem(
      await register(session, { response: authenticator.register(foreign) }),
      400,
      'WEBAUTHN_REGISTRATION_INVALID',
    );

    const stale = await registrationOptions(t, session);
    t.clock.advance(5 * 60_000);
    const fresh = await logIn(t, carol);
    expectProblem(
      await register(fresh, { response: authenticator.register(stale) }),
      400,
      'WEBAUTHN_REGISTRATION_INVALID',
    );

    const good = await registrationOptions(t, fresh);
    const answer = authenticator.register(good);
    expect((await register(fresh, { response: answer })).status).toBe(201);
    expectProblem(
      await register(fresh, { response: answer }),
      400,
      'WEBAUTHN_REGISTRATION_INVALID',
    );
    const copy = await registrationOptions(t, fresh);
    const duplicate = authenticator.register(copy, {}, authenticator.credentials.at(-1));
    expectProblem(
      await register(fresh, { response: duplicate }),
      409,
      'WEBAUTHN_CREDENTIAL_EXISTS',
    );
    expect(await t.dataSource.getRepository(MfaFactor).countBy({ userId: carol.user.id })).toBe(1);
  });

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

  it('removes a passkey with DELETE /auth/mfa/{id}, and an admin reset removes them all', async () => {
    const grace = await createUser(t);
    const session = await logIn(t, grace);
    const first = await enrolPasskey(t, session);
    await enrolPasskey(t, session);
    const removed = await t
      .http()
      .delete(`/auth/mfa/${first.factorId}`)
      .set('Authorization', bearer(session));
    expect(removed.status).toBe(204);
    const listed = await t.http().get('/auth/mfa').set('Authorization', bearer(session));
    expect(listed.body.factors).toHaveLength(1);
    expect(
      await auditEvents(t, { action: AuditAction.MfaRemoved, actorUserId: grace.user.id }),
    ).toEqual([expect.objectContaining({ details: { kind: 'webauthn', factors_left: 1 } })]);

    const admin = await logIn(t, {
      username: 'root-admin',
      password: 'bootstrap admin passphrase',
    });
    const reset = await t
      .http()
      .delete(`/users/${grace.user.id}/mfa`)
      .set('Authorization', bearer(admin));
    expect(reset.status).toBe(204);
    expect(await t.dataSource.getRepository(MfaFactor).countBy({ userId: grace.user.id })).toBe(0);
    expect(
      (
        await t
          .http()
          .post('/auth/login')
          .send({ username: grace.username, password: grace.password })
      ).status,
    ).toBe(200);
  });
});
