import { LoginStepError, LoginStepErrorCode } from '../login/login-step.error';
import { Injectable } from '@nestjs/common';
import { AuditAction } from '../../audit/audit-action';
import { AuditService } from '../../audit/audit.service';
import { RefusalAudit } from '../../audit/refusal-audit.service';
import { AuthMethod } from '../../common/access/authentication-method';
import type { Principal } from '../../common/access/principal';
import { PasswordHasher } from '../../common/crypto/password-hasher';
import type { DomainError } from '../../common/errors/domain-error';
import type { RequestMeta } from '../../common/http/request-meta';
import { SecondFactorService } from '../../mfa/second-factor.service';
import { MfaMethod, type CodeMethod } from '../../common/access/mfa-method';
import { SessionsService } from '../../sessions/sessions.service';
import { UsersService } from '../../users/users.service';
import { MfaError } from '../../mfa/mfa.error';
import { AuthError, AuthErrorCode } from '../auth.error';
import { LoginLockoutService } from '../lockout/login-lockout.service';

export type ReauthenticationProof = { password: string } | { method: CodeMethod; code: string };

/**
 * Renews the session's `auth_time` (REAUTH_WINDOW) with a password or a one-time code. Each attempt is counted
 * in the account's lockout like a login, so a stolen session cannot be used to guess either.
 */
@Injectable()
export class ReauthenticationService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly secondFactor: SecondFactorService,
    private readonly sessions: SessionsService,
    private readonly lockout: LoginLockoutService,
    private readonly audit: AuditService,
    private readonly refusals: RefusalAudit,
  ) {}

  /** Call before the request's unit of work opens its transaction (the attempt is committed at once). */
  async reauthenticate(
    principal: Principal,
    proof: ReauthenticationProof,
    meta: RequestMeta,
  ): Promise<void> {
    const userId = principal.user.id;
    const method = 'password' in proof ? 'password' : proof.method;
    const accountKey = LoginLockoutService.keyForUser(userId);
    const refuse = async (action: AuditAction, reason: string, error: DomainError) => {
      await this.refusals.record({
        action,
        reason,
        actorUserId: userId,
        resourceType: 'session',
        resourceId: principal.session.id,
        details: { method },
        meta,
      });
      throw error;
    };
    const attempt = await this.lockout.beginAttempt(accountKey);
    if (!attempt.allowed)
      return refuse(
        AuditAction.MfaFailed,
        'throttled',
        new AuthError(AuthErrorCode.AccountThrottled, {
          retryAfterSeconds: attempt.retryAfterSeconds,
        }),
      );
    let amr: AuthMethod;
    let recoveryCodesLeft: number | undefined;
    try {
      if ('password' in proof) {
        const user = await this.users.findById(userId);
        if (!user) throw new AuthError(AuthErrorCode.SessionEnded);
        if (!(await this.hasher.verify(user.passwordHash, proof.password))) {
          await this.lockout.failed(accountKey);
          return await refuse(
            AuditAction.MfaFailed,
            'wrong_password',
            new AuthError(AuthErrorCode.WrongCurrentPassword),
          );
        }
        amr = AuthMethod.Password;
      } else {
        const check = await this.secondFactor.checkCode(userId, proof.method, proof.code);
        if (!check.ok) {
          await this.lockout.failed(accountKey);
          return await refuse(
            check.reason === 'reused' ? AuditAction.MfaCodeReused : AuditAction.MfaFailed,
            check.reason,
            new LoginStepError(
              check.reason === 'reused'
                ? LoginStepErrorCode.CodeReused
                : check.reason === 'not_enrolled'
                  ? LoginStepErrorCode.MethodNotEnrolled
                  : LoginStepErrorCode.CodeInvalid,
            ),
          );
        }
        amr = AuthMethod.OneTimeCode;
        recoveryCodesLeft = check.recoveryCodesLeft;
      }
    } catch (error) {
      if (!(
        error instanceof AuthError ||
        error instanceof LoginStepError ||
        error instanceof MfaError
      ))
        await this.lockout.abandoned(accountKey);
      throw error;
    }
    await this.lockout.succeeded(accountKey);
    if (!(await this.sessions.recordAuthentication(principal.session, amr)))
      throw new AuthError(AuthErrorCode.SessionEnded);
    if (method === MfaMethod.RecoveryCode)
      await this.audit.record({
        action: AuditAction.RecoveryCodeUsed,
        outcome: 'success',
        actorUserId: userId,
        actorUsername: principal.user.username,
        targetUsername: principal.user.username,
        resourceType: 'user',
        resourceId: userId,
        details: { recovery_codes_left: recoveryCodesLeft ?? 0 },
        meta,
      });
    await this.audit.record({
      action: AuditAction.Reauthenticated,
      outcome: 'success',
      actorUserId: userId,
      actorUsername: principal.user.username,
      targetUsername: principal.user.username,
      resourceType: 'session',
      resourceId: principal.session.id,
      details: { method },
      meta,
    });
  }
}
