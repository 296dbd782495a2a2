import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { FactorKind } from '../../mfa/entities/mfa-factor.entity';
import { MfaFactorsRepository } from '../../mfa/mfa-factors.repository';
import { RecoveryCodesRepository } from '../../mfa/recovery-codes.repository';
import {
  NO_SECURITY_STATE,
  UserSecurityStates,
  type UserSecurityState,
} from '../../users/user-security-state';
import { LoginLockoutRepository } from '../lockout/login-lockout.repository';
import { LoginLockoutService } from '../lockout/login-lockout.service';

/**
 * The lockout and second-factor state of a page of accounts in three queries, whatever the page's size. Only the
 * account-wide lock counts as "locked": a device budget (a browser holding the account's device cookie) locks
 * that browser alone, and the account can still sign in elsewhere.
 */
@Injectable()
export class AccountSecurityStates extends UserSecurityStates {
  constructor(
    private readonly lockouts: LoginLockoutRepository,
    private readonly factors: MfaFactorsRepository,
    private readonly recoveryCodes: RecoveryCodesRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  async of(userIds: readonly string[]): Promise<Map<string, UserSecurityState>> {
    const keys = userIds.map((id) => LoginLockoutService.keyForUser(id));
    // One after the other: inside a unit of work the three share one connection.
    const locks = await this.lockouts.runningLocks(keys, this.clock.now().getTime());
    const factorCounts = await this.factors.countConfirmedByKind(userIds);
    const codesLeft = await this.recoveryCodes.countUnusedOf(userIds);
    const states = new Map<string, UserSecurityState>();
    for (const id of userIds) {
      const lockedUntilMs = locks.get(LoginLockoutService.keyForUser(id));
      states.set(id, {
        lockedUntil: lockedUntilMs === undefined ? null : new Date(lockedUntilMs),
        secondFactors: {
          ...NO_SECURITY_STATE.secondFactors,
          recoveryCodesLeft: codesLeft.get(id) ?? 0,
        },
      });
    }
    for (const { userId, kind, count } of factorCounts) {
      const factors = states.get(userId)?.secondFactors;
      if (!factors) continue;
      if (kind === FactorKind.Totp) factors.totp = count > 0;
      if (kind === FactorKind.WebAuthn) factors.passkeys = count;
    }
    return states;
  }
}
