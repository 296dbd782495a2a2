import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { UnitOfWork } from '../../database/unit-of-work';
import { UserErrorCode } from '../../users/user.error';
import { UsersService } from '../../users/users.service';
import { newTestService, provide } from '../../../test/support/test-service';
import { FrozenClock, META, NOW, codeOf, user } from '../../../test/support/auth-fixtures';
import { LoginLockoutRepository, type AttemptReservation } from './login-lockout.repository';
import { LOCKOUT_BASE_MS, LOCKOUT_CAP_MS, LoginLockoutService } from './login-lockout.service';

const IN_FLIGHT: AttemptReservation = { allowed: false, lockedUntilMs: null };
const POLICY = { maxFailures: 5, baseMs: 30_000, capMs: 3_600_000, staleMs: 30_000 };

function setup() {
  const clock = new FrozenClock();
  const { service, double } = newTestService(
    LoginLockoutService,
    provide(Clock, clock),
    provide(AppConfig, { loginMaxFailures: 5 } as AppConfig),
  );
  const lockouts = double(LoginLockoutRepository);
  lockouts.reserve.mockResolvedValue({ allowed: true, failures: 0 });
  const unitOfWork = double(UnitOfWork);
  // Which repository calls ran in a transaction of their own, committed at once.
  const committedAtOnce: string[] = [];
  const tracked =
    (kind: string) =>
    async <T>(work: () => Promise<T>): Promise<T> => {
      const calls = lockouts.reserve.mock.calls.length;
      const result = await work();
      committedAtOnce.push(kind);
      if (kind === 'separately' && lockouts.reserve.mock.calls.length === calls)
        throw new Error('nothing reserved inside');
      return result;
    };
  unitOfWork.runStatementsSeparately.mockImplementation(tracked('separately'));
  unitOfWork.runStatementIndependently.mockImplementation(tracked('independently'));
  const users = double(UsersService);
  users.findById.mockResolvedValue(user());
  const audit = double(AuditService);
  return { lockouts, unitOfWork, committedAtOnce, clock, users, audit, service };
}

describe('LoginLockoutService account keys', () => {
  it('keeps accounts, devices of an account and unknown names in separate budgets', () => {
    expect(LoginLockoutService.keyForUser('u-1')).toBe('u:u-1');
    expect(LoginLockoutService.keyForDevice('u-1', 'dev-9')).toBe('d:u-1:dev-9');
    expect(LoginLockoutService.keyForUnknownName('u-1')).toMatch(/^n:[0-9a-f]{64}$/);
  });

  it('counts every spelling of an unknown name that logs in as one name under one key', () => {
    const key = LoginLockoutService.keyForUnknownName('alice');
    expect(key).toBe('n:2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90');
    expect(LoginLockoutService.keyForUnknownName('ALICE')).toBe(key);
    expect(LoginLockoutService.keyForUnknownName('ａｌｉｃｅ')).toBe(key);
    expect(LoginLockoutService.keyForUnknownName('alicf')).not.toBe(key);
  });

  it('gives an unknown name one budget across the case-folded spellings login treats as one account', () => {
    // Separate budgets per spelling would let `straße` run out while `strasse` still answers 401 for a name
    // no account has, whereas an existing account answers 429 to both: the lockout would tell them apart.
    const key = LoginLockoutService.keyForUnknownName('strasse');
    for (const spelling of ['Straße', 'STRASSE', 'STRAẞE', 'ｓｔｒａｓｓｅ'])
      expect(LoginLockoutService.keyForUnknownName(spelling)).toBe(key);
  });
});

describe('LoginLockoutService.beginAttempt', () => {
  afterEach(() => jest.useRealTimers());

  it('reserves a check in a transaction committed at once, under the configured policy', async () => {
    const { service, lockouts, committedAtOnce } = setup();
    expect(await service.beginAttempt('u:u-1')).toEqual({ allowed: true });
    expect(lockouts.reserve).toHaveBeenCalledWith('u:u-1', NOW.getTime(), POLICY);
    expect(committedAtOnce).toEqual(['separately']);
    expect([LOCKOUT_BASE_MS, LOCKOUT_CAP_MS]).toEqual([POLICY.baseMs, POLICY.capMs]);
  });

  it('refuses a locked account, saying in whole seconds when it unlocks', async () => {
    const { service, lockouts } = setup();
    lockouts.reserve.mockResolvedValue({ allowed: false, lockedUntilMs: NOW.getTime() + 29_001 });
    expect(await service.beginAttempt('u:u-1')).toEqual({
      allowed: false,
      retryAfterSeconds: 30,
    });
    expect(lockouts.reserve).toHaveBeenCalledTimes(1);
  });

  it('waits for the checks in flight to decide instead of refusing a parallel attempt', async () => {
    jest.useFakeTimers({ now: NOW });
    const { service, lockouts, clock } = setup();
    lockouts.reserve
      .mockResolvedValueOnce(IN_FLIGHT)
      .mockResolvedValueOnce(IN_FLIGHT)
      .mockResolvedValueOnce({ allowed: true, failures: 4 });
    const outcome = service.beginAttempt('u:u-1');
    clock.current = new Date(NOW.getTime() + 40);
    await jest.advanceTimersByTimeAsync(40);
    expect(await outcome).toEqual({ allowed: true });
    expect(lockouts.reserve).toHaveBeenCalledTimes(3);
    expect(lockouts.reserve).toHaveBeenLastCalledWith('u:u-1', NOW.getTime() + 40, POLICY);
  });

  it('refuses once the checks in flight stayed undecided for ten seconds', async () => {
    jest.useFakeTimers({ now: NOW });
    const { service, lockouts } = setup();
    lockouts.reserve.mockResolvedValue(IN_FLIGHT);
    let outcome: unknown;
    void service.beginAttempt('u:u-1').then((result) => (outcome = result));
    await jest.advanceTimersByTimeAsync(9_999);
    expect(outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(outcome).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('lets the attempt through when the budget frees at the last look', async () => {
    jest.useFakeTimers({ now: NOW });
    const { service, lockouts } = setup();
    lockouts.reserve.mockResolvedValue(IN_FLIGHT);
    const outcome = service.beginAttempt('u:u-1');
    await jest.advanceTimersByTimeAsync(9_980);
    lockouts.reserve.mockResolvedValue({ allowed: true, failures: 4 });
    await jest.advanceTimersByTimeAsync(20);
    expect(await outcome).toEqual({ allowed: true });
  });
});

describe('LoginLockoutService verdicts', () => {
  it('commits a wrong password as a failure at once, whatever the request does next', async () => {
    const { service, lockouts, committedAtOnce } = setup();
    await service.failed('u:u-1');
    expect(lockouts.recordFailure).toHaveBeenCalledWith('u:u-1', NOW.getTime(), POLICY);
    expect(committedAtOnce).toEqual(['independently']);
  });

  it('starts the count again after a right password', async () => {
    const { service, lockouts, committedAtOnce } = setup();
    await service.succeeded('u:u-1');
    expect(lockouts.clear).toHaveBeenCalledWith('u:u-1');
    expect(committedAtOnce).toEqual(['independently']);
  });

  it('gives back the place of a check that ended without a verdict', async () => {
    const { service, lockouts, committedAtOnce } = setup();
    await service.abandoned('u:u-1');
    expect(lockouts.release).toHaveBeenCalledWith('u:u-1');
    expect(lockouts.recordFailure).not.toHaveBeenCalled();
    expect(committedAtOnce).toEqual(['independently']);
  });
});

describe('LoginLockoutService.clearForUser', () => {
  it("lifts every budget of the user's account and audits who did it", async () => {
    const { service, lockouts, audit, unitOfWork } = setup();
    lockouts.clearAccount.mockResolvedValue(true);
    await service.clearForUser('u-1', { id: 'admin-1', username: 'root' }, META, { source: 'cli' });
    expect(lockouts.clearAccount).toHaveBeenCalledWith('u-1');
    expect(audit.record).toHaveBeenCalledWith({
      action: 'LOGIN_LOCKOUT_CLEARED',
      outcome: 'success',
      actorUserId: 'admin-1',
      actorUsername: 'root',
      targetUsername: 'alice',
      resourceType: 'user',
      resourceId: 'u-1',
      details: { target_username: 'alice', had_lockout: true, source: 'cli' },
      meta: META,
    });
    expect(unitOfWork.runStatementIndependently).not.toHaveBeenCalled();
  });

  it('audits a clear of an account that was not locked as such', async () => {
    const { service, lockouts, audit } = setup();
    lockouts.clearAccount.mockResolvedValue(false);
    await service.clearForUser('u-1', null);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        actorUserId: null,
        details: { target_username: 'alice', had_lockout: false },
      }),
    );
  });

  it('refuses an unknown user, clearing and auditing nothing', async () => {
    const { service, users, lockouts, audit } = setup();
    users.findById.mockResolvedValue(null);
    expect(
      await codeOf(service.clearForUser('nobody', { id: 'admin-1', username: 'root' }, META)),
    ).toBe(UserErrorCode.UserNotFound);
    expect(lockouts.clearAccount).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });
});
