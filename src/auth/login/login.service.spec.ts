import { AuditService } from '../../audit/audit.service';
import { LoginChallengesService } from './login-challenge/login-challenges.service';
import { SecondFactorService } from '../../mfa/second-factor.service';
import { MfaMethod } from '../../common/access/mfa-method';
import { UsersService } from '../../users/users.service';
import { automock } from '../../../test/support/automock';
import { GRANT, META, NOW, user } from '../../../test/support/auth-fixtures';
import { LoginLockoutService } from '../lockout/login-lockout.service';
import { LoginService } from './login.service';
import { SessionGrantsService } from '../session-grants.service';

function setup() {
  const grants = automock(SessionGrantsService);
  grants.login.mockResolvedValue(GRANT);
  const secondFactor = automock(SecondFactorService);
  secondFactor.methodsOf.mockResolvedValue([]);
  secondFactor.checkCode.mockResolvedValue({ ok: true, method: MfaMethod.Totp, factorId: 'f-1' });
  const challenges = automock(LoginChallengesService);
  challenges.issue.mockResolvedValue({ token: 'challenge-token', expiresInSeconds: 300 });
  const lockout = automock(LoginLockoutService);
  const users = automock(UsersService);
  users.findById.mockResolvedValue(user());
  const audit = automock(AuditService);
  const service = new LoginService(grants, secondFactor, challenges, lockout, users, audit);
  return { grants, secondFactor, challenges, lockout, users, audit, service };
}

describe('LoginService.afterPassword', () => {
  it('opens a password session and clears the lockout when the user has no factor', async () => {
    const { service, grants, lockout, challenges } = setup();
    const outcome = await service.afterPassword(
      { user: user(), accountKey: 'u:u-1' },
      META,
      'browser',
    );
    expect(outcome).toEqual({
      kind: 'granted',
      grant: GRANT,
      client: 'browser',
      challengeAnswered: false,
      userId: 'u-1',
      amr: ['pwd'],
    });
    expect(grants.login).toHaveBeenCalledWith({ user: user(), accountKey: 'u:u-1' }, META, ['pwd']);
    expect(lockout.succeeded).toHaveBeenCalledWith('u:u-1');
    expect(challenges.issue).not.toHaveBeenCalled();
  });

  it('refuses a password-only login when a second factor is required and the user has none', async () => {
    const { service, grants, lockout, challenges, audit } = setup();
    await expect(
      service.afterPassword({ user: user(), accountKey: 'u:u-1' }, META, 'browser', {
        secondFactorRequired: true,
      }),
    ).rejects.toMatchObject({ code: 'MFA_ENROLMENT_REQUIRED' });
    expect(grants.login).not.toHaveBeenCalled();
    expect(challenges.issue).not.toHaveBeenCalled();
    // The right password settles its attempt: the refusal is no failure of the account's.
    expect(lockout.succeeded).toHaveBeenCalledWith('u:u-1');
    expect(audit.recordIndependently).toHaveBeenCalledWith({
      action: 'LOGIN_FAILED',
      outcome: 'failure',
      actorUserId: 'u-1',
      actorUsername: 'alice',
      targetUsername: 'alice',
      resourceType: 'auth',
      resourceId: 'u-1',
      details: { username: user().username, reason: 'mfa_enrolment_required' },
      meta: META,
    });
  });

  it('asks a user with a factor for it when a second factor is required, as it would anyway', async () => {
    const { service, secondFactor, challenges, audit } = setup();
    secondFactor.methodsOf.mockResolvedValue([MfaMethod.Totp]);
    const outcome = await service.afterPassword(
      { user: user(), accountKey: 'u:u-1' },
      META,
      'browser',
      { secondFactorRequired: true },
    );
    expect(outcome.kind).toBe('mfa_required');
    expect(challenges.issue).toHaveBeenCalled();
    expect(audit.recordIndependently).not.toHaveBeenCalled();
  });

  it('settles the attempt of a right password that its caller refuses for a reason of its own', async () => {
    const { service, grants, lockout } = setup();
    await service.refusedAfterPassword({ user: user(), accountKey: 'd:u-1:dev' });
    expect(lockout.succeeded).toHaveBeenCalledWith('d:u-1:dev');
    expect(grants.login).not.toHaveBeenCalled();
  });

  it('issues a challenge bound to the password step instead of a session, keeping the failure count', async () => {
    const { service, grants, lockout, challenges, secondFactor } = setup();
    secondFactor.methodsOf.mockResolvedValue([MfaMethod.Totp, MfaMethod.RecoveryCode]);
    const outcome = await service.afterPassword(
      { user: user(), accountKey: 'd:u-1:dev' },
      META,
      'api',
    );
    expect(outcome).toEqual({
      kind: 'mfa_required',
      challenge: { token: 'challenge-token', expiresInSeconds: 300 },
      methods: ['totp', 'recovery_code'],
    });
    expect(challenges.issue).toHaveBeenCalledWith(
      { userId: 'u-1', accountKey: 'd:u-1:dev', passwordChangedAt: NOW, client: 'api' },
      undefined,
    );
    expect(grants.login).not.toHaveBeenCalled();
    expect(lockout.succeeded).not.toHaveBeenCalled();
    expect(lockout.abandoned).toHaveBeenCalledWith('d:u-1:dev');
  });

  it('stores a rehashed password only once the challenge it was checked for is answered', async () => {
    const { service, challenges, secondFactor, users } = setup();
    secondFactor.methodsOf.mockResolvedValue([MfaMethod.Totp]);
    await service.afterPassword(
      { user: user(), accountKey: 'u:u-1', upgradedHash: 'stronger-hash' },
      META,
      'browser',
    );
    const onAnswered = challenges.issue.mock.calls[0][1];
    expect(users.upgradePasswordHash).not.toHaveBeenCalled();
    await onAnswered?.();
    expect(users.upgradePasswordHash).toHaveBeenCalledWith(user(), 'stronger-hash');
  });
});
