import { AuditAction } from '../src/audit/audit-action';
import { Role } from '../src/common/access/role';
import { createAdmin } from './factories/admin.factory';
import { enrolTotp, passwordStep, withTotp } from './factories/mfa.factory';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { chain } from './support/audit-chain';
import { expectProblem } from './support/security';
import { createTestApp, type TestApp } from './support/test-app';
import { totpCode, wrongCode } from './support/totp';

describe('second-factor policy, reauthentication and administration', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { MFA_REQUIRED_ROLES: 'admin', REAUTH_WINDOW: '2m' } });
  });
  afterAll(() => t.close());

  const as = (token: string) => `Bearer ${token}`;

  it('limits an admin without a factor to enrolling one, then lets the upgraded session through', async () => {
    const admin = await createUser(t, { role: Role.Admin });
    const session = await logIn(t, admin);
    expectProblem(
      await t.http().get('/users').set('Authorization', as(session.accessToken)),
      403,
      'MFA_ENROLMENT_REQUIRED',
    );
    const me = await t.http().get('/auth/me').set('Authorization', as(session.accessToken));
    expect(me.body).toMatchObject({ mfa_enabled: false, amr: ['pwd'] });
    // A plain user is not concerned.
    const user = await logIn(t, await createUser(t));
    expect(
      (await t.http().get('/auth/sessions').set('Authorization', as(user.accessToken))).status,
    ).toBe(200);

    await enrolTotp(t, session);
    expect(
      (await t.http().get('/users').set('Authorization', as(session.accessToken))).status,
    ).toBe(200);
    // From now on the password alone does not sign this admin in.
    await passwordStep(t, admin);
  });

  it('asks an admin session that predates the factor to reauthenticate with it', async () => {
    const admin = await createUser(t, { role: Role.Admin });
    const old = await logIn(t, admin);
    const fresh = await logIn(t, admin);
    const { secret } = await enrolTotp(t, fresh);
    expectProblem(
      await t.http().get('/users').set('Authorization', as(old.accessToken)),
      403,
      'REAUTHENTICATION_REQUIRED',
    );
    t.clock.advance(30_000);
    const renewed = await t
      .http()
      .post('/auth/reauthenticate')
      .set('Authorization', as(old.accessToken))
      .send({ method: 'totp', code: totpCode(secret, t.clock) });
    expect(renewed.status).toBe(200);
    expect((await t.http().get('/users').set('Authorization', as(old.accessToken))).status).toBe(
      200,
    );
  });

  it('requires a recent password or factor check to change factors', async () => {
    const kim = await createUser(t);
    const session = await logIn(t, kim);
    t.clock.advance(2 * 60_000 + 1_000);
    const stale = await t
      .http()
      .post('/auth/mfa/totp')
      .set('Authorization', as(session.accessToken));
    expectProblem(stale, 403, 'REAUTHENTICATION_REQUIRED');
    const wrong = await t
      .http()
      .post('/auth/reauthenticate')
      .set('Authorization', as(session.accessToken))
      .send({ password: 'not the password at all' });
    expectProblem(wrong, 400, 'WRONG_CURRENT_PASSWORD');
    expectProblem(
      await t
        .http()
        .post('/auth/reauthenticate')
        .set('Authorization', as(session.accessToken))
        .send({}),
      400,
      'VALIDATION_FAILED',
    );
    const renewed = await t
      .http()
      .post('/auth/reauthenticate')
      .set('Authorization', as(session.accessToken))
      .send({ password: kim.password });
    expect(renewed.status).toBe(200);
    const { secret } = await enrolTotp(t, session);

    t.clock.advance(2 * 60_000 + 1_000);
    const factors = await t.http().get('/auth/mfa').set('Authorization', as(session.accessToken));
    expect(factors.status).toBe(200);
    const removal = await t
      .http()
      .delete(`/auth/mfa/${factors.body.factors[0].id}`)
      .set('Authorization', as(session.accessToken));
    expectProblem(removal, 403, 'REAUTHENTICATION_REQUIRED');
    expectProblem(
      await t
        .http()
        .post('/auth/reauthenticate')
        .set('Authorization', as(session.accessToken))
        .send({ method: 'totp', code: wrongCode(secret, t.clock) }),
      401,
      'MFA_CODE_INVALID',
    );
    expect(
      (
        await t
          .http()
          .post('/auth/reauthenticate')
          .set('Authorization', as(session.accessToken))
          .send({ method: 'totp', code: totpCode(secret, t.clock) })
      ).status,
    ).toBe(200);
    expect(
      (
        await t
          .http()
          .delete(`/auth/mfa/${factors.body.factors[0].id}`)
          .set('Authorization', as(session.accessToken))
      ).status,
    ).toBe(204);
  });

  it("lets an admin remove a user's factors, ending the user's sessions", async () => {
    const admin = await createAdmin(t);
    const adminTotp = await enrolTotp(t, admin.session);
    const lee = await createUser(t);
    const { secret } = await withTotp(t, lee);
    const token = await passwordStep(t, lee);
    const leeSession = await t
      .http()
      .post('/auth/mfa/verify')
      .send({ mfa_token: token, method: 'totp', code: totpCode(secret, t.clock) });
    expect(leeSession.status).toBe(200);

    const byUser = await t
      .http()
      .delete(`/users/${admin.user.id}/mfa`)
      .set('Authorization', as(leeSession.body.access_token));
    expectProblem(byUser, 403, 'INSUFFICIENT_ROLE');
    expectProblem(
      await t
        .http()
        .delete('/users/00000000-0000-4000-8000-000000000000/mfa')
        .set('Authorization', admin.bearer),
      404,
      'USER_NOT_FOUND',
    );
    const reset = await t
      .http()
      .delete(`/users/${lee.user.id}/mfa`)
      .set('Authorization', admin.bearer);
    expect(reset.status).toBe(204);
    expectProblem(
      await t.http().get('/auth/me').set('Authorization', as(leeSession.body.access_token)),
      401,
      'SESSION_ENDED',
    );
    expect(
      (await t.http().post('/auth/login').send({ username: lee.username, password: lee.password }))
        .status,
    ).toBe(200);
    const events = await chain(t);
    expect(events.map((event) => event.action)).toEqual(
      expect.arrayContaining([
        AuditAction.MfaEnrolled,
        AuditAction.MfaVerified,
        AuditAction.MfaReset,
        AuditAction.Reauthenticated,
      ]),
    );
    expect(events.find((event) => event.action === (AuditAction.MfaReset as string))).toMatchObject(
      {
        actorUserId: admin.user.id,
        resourceId: lee.user.id,
        details: expect.objectContaining({
          factors_removed: 1,
          sessions_revoked: expect.any(Number),
        }),
      },
    );
    expect(adminTotp.recoveryCodes).toHaveLength(10);
  });
});
