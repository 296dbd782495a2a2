import { AuditAction } from '../src/audit/audit-action';
import { MfaFactor } from '../src/mfa/entities/mfa-factor.entity';
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
import { expectProblem } from './support/security';
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
