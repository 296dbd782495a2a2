import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { AuthMethod } from '../common/access/authentication-method';
import { Clock } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { SessionsService } from '../sessions/sessions.service';
import { FrozenClock, META, NOW, codeOf } from '../../test/support/auth-fixtures';
import { passkeyFactor, principal, totpFactor } from '../../test/support/mfa-fixtures';
import { newTestService, provide } from '../../test/support/test-service';
import { SoftwareAuthenticator } from '../../test/support/webauthn-authenticator';
import { CeremonyPurpose } from './entities/webauthn-ceremony.entity';
import { FactorKind } from './entities/mfa-factor.entity';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { MfaFactorsService } from './mfa-factors.service';
import { MfaErrorCode } from './mfa.error';
import { WebAuthnCeremoniesRepository } from './webauthn-ceremonies.repository';
import { hashChallenge } from './webauthn-credentials';
import { WebAuthnRegistrationService } from './webauthn-registration.service';
import { WebAuthnRelyingParty } from './webauthn-relying-party';

const ORIGIN = 'https://id.example.com';
const RP = { id: 'id.example.com', name: 'Aegis (id.example.com)', origins: [ORIGIN] };

function setup() {
  const { service, double } = newTestService(
    WebAuthnRegistrationService,
    provide(Clock, new FrozenClock()),
  );
  double(WebAuthnRelyingParty).of.mockReturnValue(RP);
  const factors = double(MfaFactorsRepository);
  factors.findConfirmed.mockResolvedValue([]);
  factors.credentialExists.mockResolvedValue(false);
  const ceremonies = double(WebAuthnCeremoniesRepository);
  ceremonies.take.mockResolvedValue(true);
  const unitOfWork = double(UnitOfWork);
  unitOfWork.runSeparately.mockImplementation((work) => work());
  const overview = double(MfaFactorsService);
  overview.hasFactor.mockResolvedValue(false);
  overview.issueRecoveryCodes.mockResolvedValue(['r-1']);
  return {
    service,
    factors,
    ceremonies,
    unitOfWork,
    overview,
    relyingParty: double(WebAuthnRelyingParty),
    sessions: double(SessionsService),
    audit: double(AuditService),
  };
}

/** Asks for options and answers them with a software authenticator, as a browser would. */
async function answer(
  rig: ReturnType<typeof setup>,
  overrides: Parameters<SoftwareAuthenticator['register']>[1] = {},
) {
  const options = await rig.service.options(principal(), ORIGIN);
  const response = new SoftwareAuthenticator(ORIGIN).register({ ...options }, overrides);
  return { options, response: response as RegistrationResponseJSON };
}

const register = (rig: ReturnType<typeof setup>, response: RegistrationResponseJSON) =>
  rig.service.register(principal(), response, undefined, META, ORIGIN);

describe('WebAuthnRegistrationService.options', () => {
  it('asks for a passkey of this account, excluding the ones it has, bound to this session', async () => {
    const rig = setup();
    rig.factors.findConfirmed.mockResolvedValue([
      totpFactor(),
      passkeyFactor(),
      passkeyFactor({ id: 'f-2', credentialId: null }),
    ]);
    const options = await rig.service.options(principal(), ORIGIN);
    expect(rig.relyingParty.of).toHaveBeenCalledWith(ORIGIN);
    expect(options).toMatchObject({
      rp: { id: RP.id, name: RP.name },
      user: { id: Buffer.from('u-1').toString('base64url'), name: 'alice', displayName: 'alice' },
      attestation: 'none',
      excludeCredentials: [{ id: 'cred-1', type: 'public-key', transports: ['usb'] }],
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    expect(rig.ceremonies.open).toHaveBeenCalledWith(
      options.challenge,
      CeremonyPurpose.Registration,
      NOW.getTime(),
      { userId: 'u-1', sessionId: 's-1' },
    );
  });
});

describe('WebAuthnRegistrationService.register', () => {
  it('stores a verified passkey, spends its ceremony first, and upgrades the session', async () => {
    const rig = setup();
    const { options, response } = await answer(rig);
    const { factor, recoveryCodes } = await register(rig, response);
    expect(rig.unitOfWork.runSeparately).toHaveBeenCalledTimes(1);
    expect(rig.ceremonies.take).toHaveBeenCalledWith(
      hashChallenge(options.challenge),
      CeremonyPurpose.Registration,
      NOW.getTime(),
      { userId: 'u-1', sessionId: 's-1' },
    );
    expect(factor).toMatchObject({
      userId: 'u-1',
      kind: FactorKind.WebAuthn,
      label: 'Passkey',
      credentialId: response.id,
      signCount: 0,
      transports: 'internal',
      secretCiphertext: null,
      confirmedAt: NOW,
    });
    expect(factor.publicKey).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(rig.factors.insert).toHaveBeenCalledWith(factor);
    expect(recoveryCodes).toEqual(['r-1']);
    expect(rig.sessions.recordAuthentication).toHaveBeenCalledWith(
      principal().session,
      AuthMethod.HardwareKey,
    );
    expect(rig.audit.record).toHaveBeenCalledWith({
      action: AuditAction.MfaEnrolled,
      outcome: 'success',
      actorUserId: 'u-1',
      actorUsername: 'alice',
      targetUsername: 'alice',
      resourceType: 'mfa_factor',
      resourceId: factor.id,
      details: { kind: FactorKind.WebAuthn, recovery_codes_issued: 1, user_verified: true },
      meta: META,
    });
  });

  it('keeps the label, issues no recovery codes for a later factor, and records no user verification', async () => {
    const rig = setup();
    rig.overview.hasFactor.mockResolvedValue(true);
    const { response } = await answer(rig, { userVerified: false });
    const { factor, recoveryCodes } = await rig.service.register(
      principal(),
      response,
      'YubiKey',
      META,
      ORIGIN,
    );
    expect(factor.label).toBe('YubiKey');
    expect(recoveryCodes).toEqual([]);
    expect(rig.overview.issueRecoveryCodes).not.toHaveBeenCalled();
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        details: { kind: FactorKind.WebAuthn, recovery_codes_issued: 0, user_verified: false },
      }),
    );
  });

  it('refuses an answer to a ceremony that is not open for this session, without verifying it', async () => {
    const rig = setup();
    rig.ceremonies.take.mockResolvedValue(false);
    const { response } = await answer(rig);
    expect(await codeOf(register(rig, response))).toBe(MfaErrorCode.WebAuthnRegistrationInvalid);
    expect(rig.relyingParty.of).toHaveBeenCalledTimes(1);
    expect(rig.factors.insert).not.toHaveBeenCalled();
  });

  it('refuses an answer whose client data cannot be read, spending nothing', async () => {
    const rig = setup();
    const { response } = await answer(rig);
    response.response.clientDataJSON = 'not base64 json';
    expect(await codeOf(register(rig, response))).toBe(MfaErrorCode.WebAuthnRegistrationInvalid);
    expect(rig.ceremonies.take).not.toHaveBeenCalled();
    expect(rig.factors.insert).not.toHaveBeenCalled();
  });

  it.each([
    ['collected by another site', { origin: 'https://phish.example' }],
    ['made for another relying party', { rpId: 'phish.example' }],
  ])('refuses a passkey %s, and its ceremony stays spent', async (_case, overrides) => {
    const rig = setup();
    const { response } = await answer(rig, overrides);
    expect(await codeOf(register(rig, response))).toBe(MfaErrorCode.WebAuthnRegistrationInvalid);
    expect(rig.ceremonies.take).toHaveBeenCalled();
    expect(rig.factors.insert).not.toHaveBeenCalled();
    expect(rig.sessions.recordAuthentication).not.toHaveBeenCalled();
    expect(rig.audit.record).not.toHaveBeenCalled();
  });

  it('refuses a passkey that is already registered', async () => {
    const rig = setup();
    rig.factors.credentialExists.mockResolvedValue(true);
    const { response } = await answer(rig);
    expect(await codeOf(register(rig, response))).toBe(MfaErrorCode.CredentialAlreadyRegistered);
    expect(rig.factors.credentialExists).toHaveBeenCalledWith(response.id);
    expect(rig.factors.insert).not.toHaveBeenCalled();
  });

  it('answers a concurrent registration of the same passkey as already registered', async () => {
    const rig = setup();
    rig.factors.insert.mockRejectedValue(
      Object.assign(new Error('duplicate'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }),
    );
    const { response } = await answer(rig);
    expect(await codeOf(register(rig, response))).toBe(MfaErrorCode.CredentialAlreadyRegistered);
    expect(rig.overview.issueRecoveryCodes).not.toHaveBeenCalled();
    expect(rig.sessions.recordAuthentication).not.toHaveBeenCalled();
  });

  it('lets any other storage failure through as it is', async () => {
    const rig = setup();
    const failure = new Error('disk full');
    rig.factors.insert.mockRejectedValue(failure);
    const { response } = await answer(rig);
    await expect(register(rig, response)).rejects.toBe(failure);
  });
});
