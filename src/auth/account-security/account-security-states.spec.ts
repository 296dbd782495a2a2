import { newTestService, provide } from '../../../test/support/test-service';
import { FrozenClock, NOW } from '../../../test/support/auth-fixtures';
import { Clock } from '../../common/clock';
import { FactorKind } from '../../mfa/entities/mfa-factor.entity';
import { MfaFactorsRepository } from '../../mfa/mfa-factors.repository';
import { RecoveryCodesRepository } from '../../mfa/recovery-codes.repository';
import { LoginLockoutRepository } from '../lockout/login-lockout.repository';
import { AccountSecurityStates } from './account-security-states';

function setup() {
  const { service, double } = newTestService(
    AccountSecurityStates,
    provide(Clock, new FrozenClock()),
  );
  const lockouts = double(LoginLockoutRepository);
  const factors = double(MfaFactorsRepository);
  const codes = double(RecoveryCodesRepository);
  lockouts.runningLocks.mockResolvedValue(new Map());
  factors.countConfirmedByKind.mockResolvedValue([]);
  codes.countUnusedOf.mockResolvedValue(new Map());
  return { states: service, lockouts, factors, codes };
}

describe('AccountSecurityStates', () => {
  it('reads a whole page with one query per store, whatever its size', async () => {
    const { states, lockouts, factors, codes } = setup();
    const ids = Array.from({ length: 200 }, (_unused, index) => `u-${index}`);
    const result = await states.of(ids);
    expect(result.size).toBe(200);
    expect(lockouts.runningLocks).toHaveBeenCalledTimes(1);
    expect(lockouts.runningLocks).toHaveBeenCalledWith(
      ids.map((id) => `u:${id}`),
      NOW.getTime(),
    );
    expect(factors.countConfirmedByKind).toHaveBeenCalledTimes(1);
    expect(codes.countUnusedOf).toHaveBeenCalledTimes(1);
  });

  it('gives each account its own lock, factors and codes, and nothing to the others', async () => {
    const { states, lockouts, factors, codes } = setup();
    const lockedUntil = NOW.getTime() + 30_000;
    lockouts.runningLocks.mockResolvedValue(new Map([['u:u-1', lockedUntil]]));
    factors.countConfirmedByKind.mockResolvedValue([
      { userId: 'u-2', kind: FactorKind.Totp, count: 1 },
      { userId: 'u-2', kind: FactorKind.WebAuthn, count: 2 },
    ]);
    codes.countUnusedOf.mockResolvedValue(new Map([['u-2', 7]]));
    const result = await states.of(['u-1', 'u-2', 'u-3']);
    expect(result.get('u-1')).toEqual({
      lockedUntil: new Date(lockedUntil),
      secondFactors: { totp: false, passkeys: 0, recoveryCodesLeft: 0 },
    });
    expect(result.get('u-2')).toEqual({
      lockedUntil: null,
      secondFactors: { totp: true, passkeys: 2, recoveryCodesLeft: 7 },
    });
    expect(result.get('u-3')).toEqual({
      lockedUntil: null,
      secondFactors: { totp: false, passkeys: 0, recoveryCodesLeft: 0 },
    });
  });
});
