import { LoginChallenge } from '../src/auth/login/login-challenge/login-challenge.entity';
import { enrolTotp, passwordStep, withTotp } from './factories/mfa.factory';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { setCookiesOf } from './support/cookies';
import { countSessions, expectNoTokenIssued, expectProblem } from './support/security';
import { createTestApp, type TestApp } from './support/test-app';
import { nextStep, totpCode, wrongCode } from './support/totp';
import { credentials, mfaVerify } from './support/mfa-login-rig';

describe('login with an authenticator app (TOTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const verify = (body: Record<string, unknown>, cookie?: string) => mfaVerify(t, body, cookie);

  it('enrols, then asks for the code after the password and signs in with it', async () => {
    const alice = await createUser(t);
    const session = await logIn(t, alice);
    const begun = await t
      .http()
      .post('/auth/mfa/totp')
      .set('Authorization', `Bearer ${session.accessToken}`)
      .send({ label: 'Phone' });
    expect(begun.status).toBe(201);
    expect(begun.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(begun.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(begun.body.otpauth_uri).toContain('algorithm=SHA1&digits=6&period=30');
    expect(begun.body.qr_svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    // Pending: not a factor yet, the login is unchanged.
    expect((await t.http().post('/auth/login').send(credentials(alice))).status).toBe(200);

    const wrong = await t
      .http()
      .post(`/auth/mfa/totp/${begun.body.id}/confirm`)
      .set('Authorization', `Bearer ${session.accessToken}`)
      .send({ code: wrongCode(begun.body.secret, t.clock) });
    expectProblem(wrong, 400, 'MFA_ENROLMENT_CODE_INVALID');
    const confirmed = await t
      .http()
      .post(`/auth/mfa/totp/${begun.body.id}/confirm`)
      .set('Authorization', `Bearer ${session.accessToken}`)
      .send({ code: totpCode(begun.body.secret, t.clock) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recovery_codes).toHaveLength(10);
    expect(new Set(confirmed.body.recovery_codes).size).toBe(10);

    const listed = await t
      .http()
      .get('/auth/mfa')
      .set('Authorization', `Bearer ${session.accessToken}`);
    expect(listed.body).toEqual({
      factors: [
        {
          id: begun.body.id,
          kind: 'totp',
          label: 'Phone',
          created_at: expect.any(String),
          last_used_at: expect.any(String),
        },
      ],
      recovery_codes_left: 10,
    });

    t.clock.advance(30_000);
    const sessionsBefore = await countSessions(t, alice.user.id);
    const login = await t
      .http()
      .post('/auth/login')
      .send({ username: alice.username, password: alice.password, client: 'api' });
    expectProblem(login, 401, 'MFA_REQUIRED');
    expectNoTokenIssued(t, login);
    expect(login.body).toMatchObject({
      mfa_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      methods: ['totp', 'recovery_code'],
      expires_in: 300,
      error: 'mfa_required',
    });
    expect(setCookiesOf(login).aegis_mfa).toEqual({
      value: login.body.mfa_token,
      attributes: { 'max-age': '300', path: '/auth', httponly: true, samesite: 'Strict' },
    });
    expect(await countSessions(t, alice.user.id)).toBe(sessionsBefore);
    const stored = await t.dataSource.getRepository(LoginChallenge).find();
    expect(JSON.stringify(stored)).not.toContain(login.body.mfa_token);

    const verified = await verify({
      mfa_token: login.body.mfa_token,
      method: 'totp',
      code: totpCode(begun.body.secret, t.clock),
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      token_type: 'bearer',
      refresh_token: expect.any(String),
    });
    expect(setCookiesOf(verified).aegis_token.value).toBe(verified.body.access_token);
    expect(setCookiesOf(verified).aegis_mfa.value).toBe('');
    const me = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${verified.body.access_token}`);
    expect(me.body).toMatchObject({ mfa_enabled: true, amr: ['pwd', 'otp'] });
    expect(Date.parse(me.body.auth_time)).toBe(t.clock.now().getTime());
  });

  it('takes the challenge from the aegis_mfa cookie in a browser', async () => {
    const bob = await createUser(t);
    const { secret } = await withTotp(t, bob);
    const login = await t.http().post('/auth/login').type('form').send(credentials(bob));
    expect(login.body.code).toBe('MFA_REQUIRED');
    const verified = await verify(
      { method: 'totp', code: totpCode(secret, t.clock) },
      `aegis_mfa=${setCookiesOf(login).aegis_mfa.value}`,
    );
    expect(verified.status).toBe(200);
    expect(verified.body.refresh_token).toBeUndefined();
    expect(setCookiesOf(verified).aegis_refresh.value).not.toBe('');
  });

  it('refuses a cross-site answer riding on the aegis_mfa cookie, and a planted second aegis_mfa cookie', async () => {
    const kate = await createUser(t);
    const { secret } = await withTotp(t, kate);
    const login = await t.http().post('/auth/login').send(credentials(kate));
    const cookie = `aegis_mfa=${setCookiesOf(login).aegis_mfa.value}`;
    const crossSite = await t
      .http()
      .post('/auth/mfa/verify')
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .set('Sec-Fetch-Site', 'cross-site')
      .send({ method: 'totp', code: totpCode(secret, t.clock) });
    expectProblem(crossSite, 403, 'CSRF_REJECTED');
    const doubled = await verify(
      { method: 'totp', code: totpCode(secret, t.clock) },
      `${cookie}; aegis_mfa=planted`,
    );
    expectProblem(doubled, 401, 'AMBIGUOUS_COOKIES');
    expect((await verify({ method: 'totp', code: totpCode(secret, t.clock) }, cookie)).status).toBe(
      200,
    );
  });

  it('accepts a time step once: the same code again is MFA_CODE_REUSED, the next step works', async () => {
    const carol = await createUser(t);
    const { secret } = await withTotp(t, carol);
    const code = totpCode(secret, t.clock);
    expect(
      (await verify({ mfa_token: await passwordStep(t, carol), method: 'totp', code })).status,
    ).toBe(200);
    const replay = await verify({ mfa_token: await passwordStep(t, carol), method: 'totp', code });
    expectProblem(replay, 401, 'MFA_CODE_REUSED');
    // The previous step's code is inside the window but older than the accepted one: refused too.
    const older = await verify({
      mfa_token: await passwordStep(t, carol),
      method: 'totp',
      code: totpCode(secret, t.clock, -1),
    });
    expectProblem(older, 401, 'MFA_CODE_REUSED');
    nextStep(t.clock);
    const next = await verify({
      mfa_token: await passwordStep(t, carol),
      method: 'totp',
      code: totpCode(secret, t.clock),
    });
    expect(next.status).toBe(200);
  });

  it('lets exactly one of two parallel requests with one code through', async () => {
    const dave = await createUser(t);
    const { secret } = await withTotp(t, dave);
    const code = totpCode(secret, t.clock);
    const tokens = [await passwordStep(t, dave), await passwordStep(t, dave)];
    const answers = await Promise.all(
      tokens.map((mfa_token) => verify({ mfa_token, method: 'totp', code })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
  });

  it('accepts each recovery code once, and new codes void the old ones', async () => {
    const ivy = await createUser(t);
    const { recoveryCodes } = await withTotp(t, ivy);
    const first = await verify({
      mfa_token: await passwordStep(t, ivy),
      method: 'recovery_code',
      code: recoveryCodes[0].toLowerCase(),
    });
    expect(first.status).toBe(200);
    const again = await verify({
      mfa_token: await passwordStep(t, ivy),
      method: 'recovery_code',
      code: recoveryCodes[0],
    });
    expectProblem(again, 401, 'MFA_CODE_INVALID');

    const bearer = `Bearer ${first.body.access_token}`;
    expect(
      (await t.http().get('/auth/mfa').set('Authorization', bearer)).body.recovery_codes_left,
    ).toBe(9);
    const renewed = await t.http().post('/auth/mfa/recovery-codes').set('Authorization', bearer);
    expect(renewed.status).toBe(200);
    expect(renewed.body.recovery_codes).toHaveLength(10);
    const old = await verify({
      mfa_token: await passwordStep(t, ivy),
      method: 'recovery_code',
      code: recoveryCodes[1],
    });
    expectProblem(old, 401, 'MFA_CODE_INVALID');
    const fresh = await verify({
      mfa_token: await passwordStep(t, ivy),
      method: 'recovery_code',
      code: renewed.body.recovery_codes[0],
    });
    expect(fresh.status).toBe(200);
  });

  it('removes a factor: the login asks for no code any more', async () => {
    const jack = await createUser(t);
    const session = await logIn(t, jack);
    const { factorId } = await enrolTotp(t, session);
    const bearer = `Bearer ${session.accessToken}`;
    expect(
      (await t.http().delete(`/auth/mfa/${factorId}`).set('Authorization', bearer)).status,
    ).toBe(204);
    expect((await t.http().get('/auth/mfa').set('Authorization', bearer)).body).toEqual({
      factors: [],
      recovery_codes_left: 0,
    });
    expect((await t.http().post('/auth/login').send(credentials(jack))).status).toBe(200);
  });
});
