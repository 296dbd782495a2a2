import { AuditAction } from '../audit/audit-action';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { UserErrorCode } from '../users/user.error';
import { UsersService } from '../users/users.service';
import { FrozenClock, META, NOW, codeOf, user } from '../../test/support/auth-fixtures';
import { passkeyFactor, principal, totpFactor } from '../../test/support/mfa-fixtures';
import { newTestService, provide } from '../../test/support/test-service';
import { FactorKind } from './entities/mfa-factor.entity';
import { SecondFactorsReset } from './events/second-factors-reset.event';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { MfaFactorsService } from './mfa-factors.service';
import { MfaErrorCode } from './mfa.error';
import { hashRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { WebAuthnCeremoniesRepository } from './webauthn-ceremonies.repository';

function setup() {
  const { service, double } = newTestService(MfaFactorsService, provide(Clock, new FrozenClock()));
  const factors = double(MfaFactorsRepository);
  factors.hasConfirmed.mockResolvedValue(true);
  factors.findOfUser.mockResolvedValue(totpFactor());
  factors.deleteOfUser.mockResolvedValue(true);
  factors.countConfirmed.mockResolvedValue(1);
  factors.deleteAllOfUser.mockResolvedValue(2);
  const users = double(UsersService);
  users.findById.mockImplementation(async (id) => (id === 'u-1' ? user() : null));
  const sessions = double(SessionsService);
  sessions.revokeAllForUser.mockResolvedValue(4);
  return {
    service,
    factors,
    users,
    sessions,
    recoveryCodes: double(RecoveryCodesRepository),
    events: double(EventEmitter2),
    ceremonies: double(WebAuthnCeremoniesRepository),
    audit: double(AuditService),
  };
}

describe('MfaFactorsService.overview', () => {
  it('lists the confirmed factors and how many recovery codes are left', async () => {
    const { service, factors, recoveryCodes } = setup();
    factors.findConfirmed.mockResolvedValue([totpFactor(), passkeyFactor()]);
    recoveryCodes.countUnused.mockResolvedValue(7);
    expect(await service.overview('u-1')).toEqual({
      factors: [totpFactor(), passkeyFactor()],
      recoveryCodesLeft: 7,
    });
    expect(factors.findConfirmed).toHaveBeenCalledWith('u-1');
    expect(recoveryCodes.countUnused).toHaveBeenCalledWith('u-1');
  });
});

describe('MfaFactorsService.issueRecoveryCodes', () => {
  it('replaces every old code with new ones, keeping only their hashes', async () => {
    const { service, recoveryCodes } = setup();
    const codes = await service.issueRecoveryCodes('u-1');
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    expect(recoveryCodes.replace).toHaveBeenCalledWith(
      'u-1',
      codes.map((code) => hashRecoveryCode('u-1', code)),
      NOW,
    );
    const stored = JSON.stringify(recoveryCodes.replace.mock.calls);
    for (const code of codes) expect(stored).not.toContain(code);
  });
});

describe('MfaFactorsService.regenerateRecoveryCodes', () => {
  it('gives an enrolled user new codes and audits how many, never the codes', async () => {
    const { service, audit, recoveryCodes } = setup();
    const codes = await service.regenerateRecoveryCodes(principal(), META);
    expect(recoveryCodes.replace).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith({
      action: AuditAction.RecoveryCodesRegenerated,
      outcome: 'success',
      actorUserId: 'u-1',
      actorUsername: 'alice',
      targetUsername: 'alice',
      resourceType: 'user',
      resourceId: 'u-1',
      details: { count: RECOVERY_CODE_COUNT },
      meta: META,
    });
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain(codes[0]);
  });

  it('refuses recovery codes to a user without a second factor', async () => {
    const { service, factors, recoveryCodes, audit } = setup();
    factors.hasConfirmed.mockResolvedValue(false);
    expect(await codeOf(service.regenerateRecoveryCodes(principal(), META))).toBe(
      MfaErrorCode.NotEnrolled,
    );
    expect(factors.hasConfirmed).toHaveBeenCalledWith('u-1');
    expect(recoveryCodes.replace).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });
});

describe('MfaFactorsService.remove', () => {
  it('removes one of the caller’s factors, keeps the recovery codes while another is left', async () => {
    const { service, factors, recoveryCodes, audit } = setup();
    factors.findOfUser.mockResolvedValue(passkeyFactor());
    await service.remove(principal(), 'f-key', META);
    expect(factors.findOfUser).toHaveBeenCalledWith('u-1', 'f-key');
    expect(factors.deleteOfUser).toHaveBeenCalledWith('u-1', 'f-key');
    expect(recoveryCodes.deleteAllOfUser).not.toHaveBeenCalled();
    expect(audit.record).toHaveBeenCalledWith({
      action: AuditAction.MfaRemoved,
      outcome: 'success',
      actorUserId: 'u-1',
      actorUsername: 'alice',
      targetUsername: 'alice',
      resourceType: 'mfa_factor',
      resourceId: 'f-key',
      details: { kind: FactorKind.WebAuthn, factors_left: 1 },
      meta: META,
    });
  });

  it('takes the recovery codes away with the last factor', async () => {
    const { service, factors, recoveryCodes, audit } = setup();
    factors.countConfirmed.mockResolvedValue(0);
    await service.remove(principal(), 'f-totp', META);
    expect(recoveryCodes.deleteAllOfUser).toHaveBeenCalledWith('u-1');
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ details: { kind: FactorKind.Totp, factors_left: 0 } }),
    );
  });

  it.each([
    ['another user’s (or no) factor', null],
    ['a factor still pending confirmation', totpFactor({ confirmedAt: null })],
  ])('answers FACTOR_NOT_FOUND for %s and deletes nothing', async (_case, found) => {
    const { service, factors, recoveryCodes, audit } = setup();
    factors.findOfUser.mockResolvedValue(found);
    expect(await codeOf(service.remove(principal(), 'f-x', META))).toBe(
      MfaErrorCode.FactorNotFound,
    );
    expect(factors.deleteOfUser).not.toHaveBeenCalled();
    expect(recoveryCodes.deleteAllOfUser).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('audits no removal when a concurrent request removed the factor first', async () => {
    const { service, factors, recoveryCodes, audit } = setup();
    factors.deleteOfUser.mockResolvedValue(false);
    expect(await codeOf(service.remove(principal(), 'f-totp', META))).toBe(
      MfaErrorCode.FactorNotFound,
    );
    expect(recoveryCodes.deleteAllOfUser).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });
});

describe('MfaFactorsService.resetForUser', () => {
  it('removes every factor, code and ceremony, ends every session and tells waiting logins', async () => {
    const rig = setup();
    await rig.service.resetForUser('u-1', { id: 'admin-1', username: 'root' }, META, {
      source: 'cli',
    });
    expect(rig.factors.deleteAllOfUser).toHaveBeenCalledWith('u-1');
    expect(rig.recoveryCodes.deleteAllOfUser).toHaveBeenCalledWith('u-1');
    expect(rig.events.emitAsync).toHaveBeenCalledWith(
      SecondFactorsReset.event,
      new SecondFactorsReset('u-1'),
    );
    expect(rig.ceremonies.deleteAllOfUser).toHaveBeenCalledWith('u-1');
    expect(rig.sessions.revokeAllForUser).toHaveBeenCalledWith(
      'u-1',
      SessionRevocationReason.MfaReset,
    );
    expect(rig.audit.record).toHaveBeenCalledWith({
      action: AuditAction.MfaReset,
      outcome: 'success',
      actorUserId: 'admin-1',
      actorUsername: 'root',
      targetUsername: 'alice',
      resourceType: 'user',
      resourceId: 'u-1',
      details: { target_username: 'alice', factors_removed: 2, sessions_revoked: 4, source: 'cli' },
      meta: META,
    });
  });

  it('records an operator at the command line as no user', async () => {
    const { service, audit } = setup();
    await service.resetForUser('u-1', null);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ actorUserId: null, meta: undefined }),
    );
  });

  it('resets nothing for an unknown user', async () => {
    const rig = setup();
    expect(
      await codeOf(rig.service.resetForUser('u-404', { id: 'admin-1', username: 'root' })),
    ).toBe(UserErrorCode.UserNotFound);
    expect(rig.factors.deleteAllOfUser).not.toHaveBeenCalled();
    expect(rig.events.emitAsync).not.toHaveBeenCalled();
    expect(rig.sessions.revokeAllForUser).not.toHaveBeenCalled();
    expect(rig.audit.record).not.toHaveBeenCalled();
  });
});
