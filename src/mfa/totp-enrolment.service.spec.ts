import { randomBytes } from 'node:crypto';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { AuthMethod } from '../common/access/authentication-method';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/crypto/secret-box';
import { AppConfig } from '../config/app-config';
import { SessionsService } from '../sessions/sessions.service';
import { META, codeOf } from '../../test/support/auth-fixtures';
import { FakeClock } from '../../test/support/fake-clock';
import { passkeyFactor, principal, totpFactor } from '../../test/support/mfa-fixtures';
import { newTestService, provide } from '../../test/support/test-service';
import { totpCode, wrongCode } from '../../test/support/totp';
import { FactorKind, type MfaFactor } from './entities/mfa-factor.entity';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { MfaFactorsService } from './mfa-factors.service';
import { MfaErrorCode } from './mfa.error';
import { secretBinding } from './second-factor.service';
import { TotpEnrolmentService } from './totp-enrolment.service';

const RECOVERY = ['r-1', 'r-2'];

/** `publicUrl` null: PUBLIC_URL unset. */
function setup(publicUrl: string | null = 'https://id.example.com') {
  const clock = new FakeClock();
  const box = new SecretBox(randomBytes(32));
  const { service, double } = newTestService(
    TotpEnrolmentService,
    provide(Clock, clock),
    provide(SecretBox, box),
    provide(AppConfig, { publicUrl: publicUrl ?? undefined } as AppConfig),
  );
  const factors = double(MfaFactorsRepository);
  factors.findConfirmed.mockResolvedValue([]);
  factors.confirm.mockResolvedValue(true);
  const overview = double(MfaFactorsService);
  overview.hasFactor.mockResolvedValue(false);
  overview.issueRecoveryCodes.mockResolvedValue(RECOVERY);
  const sessions = double(SessionsService);
  return { service, clock, box, factors, overview, sessions, audit: double(AuditService) };
}

/** Begins an enrolment and hands the stored pending factor to the repository's findOfUser. */
async function pending(rig: ReturnType<typeof setup>) {
  const begun = await rig.service.begin(principal(), undefined);
  const stored = rig.factors.insert.mock.calls[0][0];
  rig.factors.findOfUser.mockImplementation(async (userId, id) =>
    userId === stored.userId && id === stored.id ? stored : null,
  );
  return { begun, stored };
}

describe('TotpEnrolmentService.begin', () => {
  it('returns a new secret once and stores it sealed to the factor it belongs to', async () => {
    const rig = setup();
    const { begun, stored } = await pending(rig);
    expect(begun.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(stored).toMatchObject({
      id: begun.id,
      userId: 'u-1',
      kind: FactorKind.Totp,
      label: 'Authenticator app',
      confirmedAt: null,
      createdAt: rig.clock.now(),
    });
    expect(stored.secretCiphertext).not.toContain(begun.secret);
    expect(rig.box.open(stored.secretCiphertext!, secretBinding(stored))).toBe(begun.secret);
    // Copied into another row, the ciphertext does not open.
    expect(() => rig.box.open(stored.secretCiphertext!, secretBinding(totpFactor()))).toThrow();
  });

  it('names this service and the account in what the app scans', async () => {
    const { begun } = await pending(setup());
    expect(begun.otpauthUri).toMatch(/^otpauth:\/\/totp\/Aegis%20\(id\.example\.com\):alice\?/);
    expect(begun.otpauthUri).toContain(`secret=${begun.secret}`);
    expect(begun.qrSvg).toMatch(/^<svg/);
    const bare = await pending(setup(null));
    expect(bare.begun.otpauthUri).toMatch(/^otpauth:\/\/totp\/Aegis:alice\?/);
  });

  it('replaces an earlier pending secret and keeps a label the user chose', async () => {
    const rig = setup();
    rig.factors.findConfirmed.mockResolvedValue([passkeyFactor()]);
    await rig.service.begin(principal(), 'Work phone');
    expect(rig.factors.deletePending).toHaveBeenCalledWith('u-1', FactorKind.Totp);
    expect(rig.factors.deletePending.mock.invocationCallOrder[0]).toBeLessThan(
      rig.factors.insert.mock.invocationCallOrder[0],
    );
    expect(rig.factors.insert.mock.calls[0][0].label).toBe('Work phone');
  });

  it('refuses a second authenticator app while one is enrolled', async () => {
    const rig = setup();
    rig.factors.findConfirmed.mockResolvedValue([passkeyFactor(), totpFactor()]);
    expect(await codeOf(rig.service.begin(principal(), undefined))).toBe(
      MfaErrorCode.TotpAlreadyEnrolled,
    );
    expect(rig.factors.findConfirmed).toHaveBeenCalledWith('u-1');
    expect(rig.factors.deletePending).not.toHaveBeenCalled();
    expect(rig.factors.insert).not.toHaveBeenCalled();
  });
});

describe('TotpEnrolmentService.confirm', () => {
  it('confirms the first factor with a right code: recovery codes, a multi-factor session, audited', async () => {
    const rig = setup();
    const { begun, stored } = await pending(rig);
    let confirmed = false;
    rig.overview.hasFactor.mockImplementation(async () => confirmed);
    rig.factors.confirm.mockImplementation(async () => (confirmed = true));
    const codes = await rig.service.confirm(
      principal(),
      begun.id,
      ` ${totpCode(begun.secret, rig.clock)} `,
      META,
    );
    expect(codes).toEqual(RECOVERY);
    expect(rig.overview.hasFactor).toHaveBeenCalledWith('u-1');
    expect(rig.overview.issueRecoveryCodes).toHaveBeenCalledWith('u-1');
    const step = Math.floor(rig.clock.now().getTime() / 30_000);
    expect(rig.factors.confirm).toHaveBeenCalledWith('u-1', stored.id, step, rig.clock.now());
    expect(rig.sessions.recordAuthentication).toHaveBeenCalledWith(
      principal().session,
      AuthMethod.OneTimeCode,
    );
    expect(rig.audit.record).toHaveBeenCalledWith({
      action: AuditAction.MfaEnrolled,
      outcome: 'success',
      actorUserId: 'u-1',
      actorUsername: 'alice',
      targetUsername: 'alice',
      resourceType: 'mfa_factor',
      resourceId: stored.id,
      details: { kind: FactorKind.Totp, recovery_codes_issued: 2 },
      meta: META,
    });
  });

  it('issues no new recovery codes for a later factor', async () => {
    const rig = setup();
    rig.overview.hasFactor.mockResolvedValue(true);
    const { begun } = await pending(rig);
    expect(
      await rig.service.confirm(principal(), begun.id, totpCode(begun.secret, rig.clock), META),
    ).toEqual([]);
    expect(rig.overview.issueRecoveryCodes).not.toHaveBeenCalled();
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ details: { kind: FactorKind.Totp, recovery_codes_issued: 0 } }),
    );
  });

  it('refuses a wrong code: nothing confirmed, the session not upgraded, nothing audited', async () => {
    const rig = setup();
    const { begun } = await pending(rig);
    expect(
      await codeOf(
        rig.service.confirm(principal(), begun.id, wrongCode(begun.secret, rig.clock), META),
      ),
    ).toBe(MfaErrorCode.EnrolmentCodeInvalid);
    expect(rig.factors.confirm).not.toHaveBeenCalled();
    expect(rig.sessions.recordAuthentication).not.toHaveBeenCalled();
    expect(rig.audit.record).not.toHaveBeenCalled();
  });

  it.each<[string, MfaFactor | null]>([
    ['no such factor of this user', null],
    ['a passkey', passkeyFactor({ confirmedAt: null })],
    ['a factor already confirmed', totpFactor()],
    ['a factor without a secret', totpFactor({ confirmedAt: null, secretCiphertext: null })],
  ])('answers FACTOR_NOT_FOUND for %s', async (_case, found) => {
    const rig = setup();
    rig.factors.findOfUser.mockResolvedValue(found);
    expect(await codeOf(rig.service.confirm(principal(), 'f-x', '123456', META))).toBe(
      MfaErrorCode.FactorNotFound,
    );
    expect(rig.factors.findOfUser).toHaveBeenCalledWith('u-1', 'f-x');
    expect(rig.factors.confirm).not.toHaveBeenCalled();
    expect(rig.sessions.recordAuthentication).not.toHaveBeenCalled();
  });

  it('gives nothing to the loser of two concurrent confirmations', async () => {
    const rig = setup();
    const { begun } = await pending(rig);
    rig.factors.confirm.mockResolvedValue(false);
    expect(
      await codeOf(
        rig.service.confirm(principal(), begun.id, totpCode(begun.secret, rig.clock), META),
      ),
    ).toBe(MfaErrorCode.FactorNotFound);
    expect(rig.overview.issueRecoveryCodes).not.toHaveBeenCalled();
    expect(rig.sessions.recordAuthentication).not.toHaveBeenCalled();
    expect(rig.audit.record).not.toHaveBeenCalled();
  });
});
