import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import type { Principal, PrincipalUser } from '../common/access/principal';
import { Clock } from '../common/clock';
import type { RequestMeta } from '../common/http/request-meta';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { UserError, UserErrorCode } from '../users/user.error';
import { UsersService } from '../users/users.service';
import type { MfaFactor } from './entities/mfa-factor.entity';
import { SecondFactorsReset } from './events/second-factors-reset.event';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { MfaError, MfaErrorCode } from './mfa.error';
import { hashRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { WebAuthnCeremoniesRepository } from './webauthn-ceremonies.repository';

export interface FactorOverview {
  factors: MfaFactor[];
  recoveryCodesLeft: number;
}

/** A user's factors as a whole: listing, removal, recovery codes, and an administrator's reset. */
@Injectable()
export class MfaFactorsService {
  constructor(
    private readonly factors: MfaFactorsRepository,
    private readonly recoveryCodes: RecoveryCodesRepository,
    private readonly ceremonies: WebAuthnCeremoniesRepository,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
  ) {}

  async overview(userId: string): Promise<FactorOverview> {
    return {
      factors: await this.factors.findConfirmed(userId),
      recoveryCodesLeft: await this.recoveryCodes.countUnused(userId),
    };
  }

  hasFactor(userId: string): Promise<boolean> {
    return this.factors.hasConfirmed(userId);
  }

  /**
   * New recovery codes replace every old one; the plain codes exist only in this return value (shown once),
   * the database keeps their hashes.
   */
  async issueRecoveryCodes(userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.recoveryCodes.replace(
      userId,
      codes.map((code) => hashRecoveryCode(userId, code)),
      this.clock.now(),
    );
    return codes;
  }

  async regenerateRecoveryCodes(principal: Principal, meta: RequestMeta): Promise<string[]> {
    const userId = principal.user.id;
    if (!(await this.hasFactor(userId))) throw new MfaError(MfaErrorCode.NotEnrolled);
    const codes = await this.issueRecoveryCodes(userId);
    await this.audit.record({
      action: AuditAction.RecoveryCodesRegenerated,
      outcome: 'success',
      actorUserId: userId,
      actorUsername: principal.user.username,
      targetUsername: principal.user.username,
      resourceType: 'user',
      resourceId: userId,
      details: { count: codes.length },
      meta,
    });
    return codes;
  }

  /** Removes one of the caller's factors; with the last one go the recovery codes. */
  async remove(principal: Principal, factorId: string, meta: RequestMeta): Promise<void> {
    const userId = principal.user.id;
    const factor = await this.factors.findOfUser(userId, factorId);
    if (!factor?.confirmedAt || !(await this.factors.deleteOfUser(userId, factorId)))
      throw new MfaError(MfaErrorCode.FactorNotFound);
    const left = await this.factors.countConfirmed(userId);
    if (left === 0) await this.recoveryCodes.deleteAllOfUser(userId);
    await this.audit.record({
      action: AuditAction.MfaRemoved,
      outcome: 'success',
      actorUserId: userId,
      actorUsername: principal.user.username,
      targetUsername: principal.user.username,
      resourceType: 'mfa_factor',
      resourceId: factor.id,
      details: { kind: factor.kind, factors_left: left },
      meta,
    });
  }

  /**
   * An administrator (or the CLI, `actorId` null) removes every factor (authenticator apps and passkeys),
   * recovery code and open challenge of a
   * user and ends the user's sessions: for a lost phone, or an account whose factors may be compromised.
   */
  async resetForUser(
    userId: string,
    actor: Pick<PrincipalUser, 'id' | 'username'> | null,
    meta?: RequestMeta,
    details: Record<string, string> = {},
  ): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserError(UserErrorCode.UserNotFound);
    const removed = await this.factors.deleteAllOfUser(user.id);
    await this.recoveryCodes.deleteAllOfUser(user.id);
    await this.events.emitAsync(SecondFactorsReset.event, new SecondFactorsReset(user.id));
    await this.ceremonies.deleteAllOfUser(user.id);
    const revoked = await this.sessions.revokeAllForUser(user.id, SessionRevocationReason.MfaReset);
    await this.audit.record({
      action: AuditAction.MfaReset,
      outcome: 'success',
      actorUserId: actor?.id ?? null,
      actorUsername: actor?.username ?? null,
      targetUsername: user.username,
      resourceType: 'user',
      resourceId: user.id,
      details: {
        target_username: user.username,
        factors_removed: removed,
        sessions_revoked: revoked,
        ...details,
      },
      meta,
    });
  }
}
