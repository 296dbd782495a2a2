import { AuditService } from '../audit/audit.service';
import { RefusalAudit } from '../audit/refusal-audit.service';
import { PasswordHasher } from '../common/crypto/password-hasher';
import type { AppConfig } from '../config/app-config';
import { SessionsService } from '../sessions/sessions.service';
import { PasswordPolicy } from '../users/password-policy';
import { UsersService } from '../users/users.service';
import { newTestService, provide } from '../../test/support/test-service';
import { account, codeOf, META, session, user } from '../../test/support/auth-fixtures';
import { AuthErrorCode } from './auth.error';
import { LoginLockoutService } from './lockout/login-lockout.service';
import { PasswordChangeService } from './password-change.service';

function setup() {
  const policy = new PasswordPolicy({ passwordMinLength: 15 } as AppConfig);
  const { service, double } = newTestService(
    PasswordChangeService,
    provide(PasswordPolicy, policy),
  );
  const users = double(UsersService);
  users.findById.mockResolvedValue(user());
  const sessions = double(SessionsService);
  sessions.revokeAllForUser.mockResolvedValue(2);
  const hasher = double(PasswordHasher);
  hasher.verify.mockResolvedValue(false);
  hasher.hash.mockImplementation(async (password: string) => `hash(${password})`);
  const lockout = double(LoginLockoutService);
  lockout.beginAttempt.mockResolvedValue({ allowed: true });
  const audit = double(AuditService);
  const refusals = double(RefusalAudit);
  return { users, sessions, hasher, policy, lockout, audit, refusals, service };
}

const principal = () => ({ user: account(), session: session() });

describe('PasswordChangeService.change', () => {
  it('stores the new hash, revokes every other session, and audits in the unit of work', async () => {
    const { service, hasher, users, sessions, audit, lockout } = setup();
    hasher.verify.mockResolvedValue(true);
    await service.change(principal(), 'current password', 'a long new passphrase', META);
    expect(hasher.verify).toHaveBeenCalledWith('stored-hash', 'current password');
    expect(users.setPasswordHash).toHaveBeenCalledWith(user(), 'hash(a long new passphrase)');
    expect(sessions.revokeAllForUser).toHaveBeenCalledWith('u-1', 'password_changed', 's-1');
    expect(lockout.succeeded).toHaveBeenCalledWith('u:u-1');
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'PASSWORD_CHANGED',
        actorUserId: 'u-1',
        resourceId: 'u-1',
        details: { other_sessions_revoked: 2 },
        meta: META,
      }),
    );
    expect(audit.recordIndependently).not.toHaveBeenCalled();
  });

  it('refuses a wrong current password, counted against the account and audited independently, changing nothing', async () => {
    const { service, users, audit, lockout, sessions } = setup();
    expect(await codeOf(service.change(principal(), 'wrong', 'a long new passphrase', META))).toBe(
      AuthErrorCode.WrongCurrentPassword,
    );
    expect(users.setPasswordHash).not.toHaveBeenCalled();
    expect(sessions.revokeAllForUser).not.toHaveBeenCalled();
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'PASSWORD_CHANGE_FAILED',
        actorUserId: 'u-1',
        details: { reason: 'wrong_current_password' },
      }),
    );
    expect(lockout.beginAttempt).toHaveBeenCalledWith('u:u-1');
    expect(lockout.failed).toHaveBeenCalledWith('u:u-1');
    expect(lockout.succeeded).not.toHaveBeenCalled();
  });

  it('refuses while the account is locked, without checking the current password', async () => {
    const { service, hasher, users, audit, lockout } = setup();
    hasher.verify.mockResolvedValue(true);
    lockout.beginAttempt.mockResolvedValue({ allowed: false, retryAfterSeconds: 60 });
    expect(
      await codeOf(service.change(principal(), 'current', 'a long new passphrase', META)),
    ).toBe(AuthErrorCode.AccountThrottled);
    expect(hasher.verify).not.toHaveBeenCalled();
    expect(users.setPasswordHash).not.toHaveBeenCalled();
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({ details: { reason: 'account_throttled' } }),
    );
  });

  it('refuses a new password that breaks the policy, naming the rule, before any hashing or counting', async () => {
    const { service, hasher, users, lockout, refusals } = setup();
    hasher.verify.mockResolvedValue(true);
    expect(await codeOf(service.change(principal(), 'current', 'short', META))).toBe(
      'PASSWORD_TOO_SHORT',
    );
    expect(users.setPasswordHash).not.toHaveBeenCalled();
    expect(hasher.verify).not.toHaveBeenCalled();
    expect(lockout.beginAttempt).not.toHaveBeenCalled();
    expect(refusals.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'PASSWORD_CHANGE_FAILED',
        reason: 'password_too_short',
        actorUserId: 'u-1',
        resourceId: 'u-1',
        meta: META,
      }),
    );
  });

  it('refuses a new password equal to the current one (compared after NFKC), before counting', async () => {
    const { service, lockout, refusals } = setup();
    expect(
      await codeOf(
        service.change(principal(), 'ａ long old passphrase', 'a long old passphrase', META),
      ),
    ).toBe(AuthErrorCode.PasswordUnchanged);
    expect(lockout.beginAttempt).not.toHaveBeenCalled();
    expect(refusals.record).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'password_unchanged' }),
    );
  });

  it('lets an unexpected policy failure through unaudited (a bug, not a refusal)', async () => {
    const { service, policy, audit, refusals } = setup();
    jest.spyOn(policy, 'assertAcceptable').mockImplementation(() => {
      throw new TypeError('boom');
    });
    await expect(
      service.change(principal(), 'current', 'a long new passphrase', META),
    ).rejects.toThrow(TypeError);
    expect(audit.recordIndependently).not.toHaveBeenCalled();
    expect(refusals.record).not.toHaveBeenCalled();
  });

  it('ends the request as SESSION_ENDED when the account vanished meanwhile', async () => {
    const { service, users, hasher } = setup();
    users.findById.mockResolvedValue(null);
    expect(
      await codeOf(service.change(principal(), 'current', 'a long new passphrase', META)),
    ).toBe(AuthErrorCode.SessionEnded);
    expect(hasher.verify).not.toHaveBeenCalled();
  });
});
