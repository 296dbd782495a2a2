import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { RefusalAudit } from '../audit/refusal-audit.service';
import type { Principal } from '../common/access/principal';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { DomainError } from '../common/errors/domain-error';
import type { RequestMeta } from '../common/http/request-meta';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { PasswordPolicy } from '../users/password-policy';
import { UsersService } from '../users/users.service';
import { AuthError, AuthErrorCode } from './auth.error';
import { LoginLockoutService } from './lockout/login-lockout.service';

/** The caller changes their own password, proving the current one. */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly lockout: LoginLockoutService,
    private readonly audit: AuditService,
    private readonly refusals: RefusalAudit,
  ) {}

  /**
   * Every other session of the user ends; the current one goes on. The cheap checks on the new password
   * come first (bad input costs no hashing); the current password is a counted attempt like a login, so a
   * stolen session cannot be used to guess it. A refused attempt is audited and survives the request's failure.
   */
  async change(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    meta: RequestMeta,
  ): Promise<void> {
    const { session } = principal;
    const userId = principal.user.id;
    const refuse = async (error: DomainError): Promise<never> => {
      await this.audit.recordIndependently({
        action: AuditAction.PasswordChangeFailed,
        outcome: 'failure',
        actorUserId: userId,
        actorUsername: principal.user.username,
        targetUsername: principal.user.username,
        resourceType: 'user',
        resourceId: userId,
        details: { reason: error.code.toLowerCase() },
        meta,
      });
      throw error;
    };

    // Refusals that cost no password check can be repeated at will: audited under the flood rule.
    const refuseCheaply = async (error: DomainError): Promise<never> => {
      await this.refusals.record({
        action: AuditAction.PasswordChangeFailed,
        reason: error.code.toLowerCase(),
        actorUserId: userId,
        resourceType: 'user',
        resourceId: userId,
        meta,
      });
      throw error;
    };
    try {
      this.policy.assertAcceptable(newPassword, principal.user.username);
    } catch (error) {
      if (error instanceof DomainError) return refuseCheaply(error);
      throw error;
    }
    if (currentPassword.normalize('NFKC') === newPassword.normalize('NFKC')) {
      return refuseCheaply(new AuthError(AuthErrorCode.PasswordUnchanged));
    }
    const accountKey = LoginLockoutService.keyForUser(userId);
    const attempt = await this.lockout.beginAttempt(accountKey);
    if (!attempt.allowed) {
      return refuse(
        new AuthError(AuthErrorCode.AccountThrottled, {
          retryAfterSeconds: attempt.retryAfterSeconds,
        }),
      );
    }
    // The principal carries no secret: the hash is read where it is checked.
    const user = await this.users.findById(userId);
    if (!user) throw new AuthError(AuthErrorCode.SessionEnded);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      await this.lockout.failed(accountKey);
      return refuse(new AuthError(AuthErrorCode.WrongCurrentPassword));
    }
    await this.lockout.succeeded(accountKey);

    const newHash = await this.hasher.hash(newPassword);
    await this.users.setPasswordHash(user, newHash);
    const revoked = await this.sessions.revokeAllForUser(
      userId,
      SessionRevocationReason.PasswordChanged,
      session.id,
    );
    await this.audit.record({
      action: AuditAction.PasswordChanged,
      outcome: 'success',
      actorUserId: userId,
      actorUsername: principal.user.username,
      targetUsername: principal.user.username,
      resourceType: 'user',
      resourceId: userId,
      details: { other_sessions_revoked: revoked },
      meta,
    });
  }
}
