import { LoginStepError, LoginStepErrorCode } from '../login/login-step.error';
import { Injectable } from '@nestjs/common';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { AuditAction } from '../../audit/audit-action';
import { AuditService } from '../../audit/audit.service';
import { RefusalAudit } from '../../audit/refusal-audit.service';
import { AuthMethod } from '../../common/access/authentication-method';
import { Clock } from '../../common/clock';
import type { RequestMeta } from '../../common/http/request-meta';
import { AppConfig } from '../../config/app-config';
import { AuthMetrics } from '../../metrics/auth-metrics';
import { MfaMethod } from '../../common/access/mfa-method';
import {
  WebAuthnAssertionsService,
  type AssertionCheck,
} from '../../mfa/webauthn-assertions.service';
import type { User } from '../../users/entities/user.entity';
import { UsersService } from '../../users/users.service';
import { AuthError, AuthErrorCode } from '../auth.error';
import { DeviceCookies } from '../device-cookies';
import { LoginLockoutService } from '../lockout/login-lockout.service';
import type { LoginClient } from '../login/login-client';
import type { LoginOutcome } from '../login/login-outcome';
import { SessionGrantsService } from '../session-grants.service';

/** What the client showed besides the passkey. */
export interface PasskeyEvidence {
  deviceToken?: string;
  requestOrigin?: string;
}

/**
 * Passwordless sign-in with a discoverable passkey and user verification: possession of the key and the
 * PIN or biometric that unlocked it, two factors in one (`amr` hwk + user). It passes the same gates as a
 * password login: the account's lockout budget (a refused answer counts as a failure, a locked account is
 * refused even with a good passkey), a disabled account, an expired one-time password; a pending password
 * change limits the session the same way. A signature counter that went backwards is refused and audited.
 */
@Injectable()
export class PasskeyLoginService {
  private readonly oneTimePasswordTtlMs: number;

  constructor(
    private readonly webauthn: WebAuthnAssertionsService,
    private readonly grants: SessionGrantsService,
    private readonly lockout: LoginLockoutService,
    private readonly users: UsersService,
    private readonly devices: DeviceCookies,
    private readonly audit: AuditService,
    private readonly refusals: RefusalAudit,
    private readonly metrics: AuthMetrics,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.oneTimePasswordTtlMs = config.oneTimePasswordTtlMs;
  }

  options(requestOrigin: string | undefined): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.webauthn.passkeyOptions(requestOrigin);
  }

  /** Call before the request's unit of work opens its transaction (challenge and attempt commit at once). */
  async login(
    response: AuthenticationResponseJSON,
    client: LoginClient,
    meta: RequestMeta,
    evidence: PasskeyEvidence = {},
  ): Promise<LoginOutcome> {
    const refuse = async (
      reason: string,
      userId: string | null,
      error: Error,
      details: Record<string, string | number> = {},
    ): Promise<never> => {
      await this.refusals.record({
        action: AuditAction.MfaFailed,
        reason,
        actorUserId: userId,
        resourceType: 'auth',
        resourceId: userId,
        details: { method: MfaMethod.WebAuthn, passwordless: true, ...details },
        meta,
      });
      throw error;
    };
    const identified = await this.webauthn.identifyPasskey(response);
    if (!identified.ok)
      return refuse(
        identified.reason,
        null,
        new LoginStepError(
          identified.reason === 'challenge_invalid'
            ? LoginStepErrorCode.WebAuthnChallengeInvalid
            : LoginStepErrorCode.WebAuthnResponseInvalid,
        ),
      );
    const { factor } = identified;
    const userId = factor.userId;
    const deviceId = this.devices.deviceOf(evidence.deviceToken, userId);
    const accountKey = deviceId
      ? LoginLockoutService.keyForDevice(userId, deviceId)
      : LoginLockoutService.keyForUser(userId);

    const attempt = await this.lockout.beginAttempt(accountKey);
    if (!attempt.allowed) {
      this.metrics.loginAttempted('throttled');
      return refuse(
        'throttled',
        userId,
        new AuthError(AuthErrorCode.AccountThrottled, {
          retryAfterSeconds: attempt.retryAfterSeconds,
        }),
      );
    }
    let check: AssertionCheck;
    try {
      check = await this.webauthn.checkPasskey(
        factor,
        response,
        identified.challenge,
        evidence.requestOrigin,
      );
    } catch (error) {
      await this.lockout.abandoned(accountKey);
      throw error;
    }
    if (!check.ok) {
      await this.lockout.failed(accountKey);
      this.metrics.loginAttempted('invalid_credentials');
      return refuse(
        check.reason,
        userId,
        new LoginStepError(
          check.reason === 'counter_rewound'
            ? LoginStepErrorCode.PasskeyCounterRewound
            : LoginStepErrorCode.WebAuthnResponseInvalid,
        ),
        {
          factor_id: factor.id,
          ...(check.signCount && {
            stored_sign_count: check.signCount.stored,
            presented_sign_count: check.signCount.presented,
          }),
        },
      );
    }
    const user = await this.users.findById(userId);
    if (!user) {
      await this.lockout.abandoned(accountKey);
      return refuse(
        'unknown_credential',
        null,
        new LoginStepError(LoginStepErrorCode.WebAuthnResponseInvalid),
      );
    }
    await this.settleAccountGates(user, accountKey, meta);
    await this.lockout.succeeded(accountKey);
    const amr = [AuthMethod.HardwareKey, AuthMethod.UserVerification];
    const grant = await this.grants.login({ user }, meta, amr);
    await this.audit.record({
      action: AuditAction.PasskeyLogin,
      outcome: 'success',
      actorUserId: user.id,
      actorUsername: user.username,
      targetUsername: user.username,
      resourceType: 'mfa_factor',
      resourceId: factor.id,
      details: { username: user.username, session_id: grant.sessionId },
      meta,
    });
    return { kind: 'granted', grant, client, challengeAnswered: false, userId: user.id, amr };
  }

  /**
   * What a right password would meet next (CredentialVerificationService): a disabled account, an expired
   * one-time password. Said only to whoever holds the passkey; the attempt is settled, not counted as a failure.
   */
  private async settleAccountGates(
    user: User,
    accountKey: string,
    meta: RequestMeta,
  ): Promise<void> {
    const refusal = !user.isActive
      ? {
          reason: 'account_disabled',
          error: AuthErrorCode.AccountDisabled,
          metric: 'account_disabled' as const,
        }
      : user.mustChangePassword &&
          this.clock.now().getTime() - user.passwordChangedAt.getTime() >= this.oneTimePasswordTtlMs
        ? {
            reason: 'one_time_password_expired',
            error: AuthErrorCode.OneTimePasswordExpired,
            metric: 'invalid_credentials' as const,
          }
        : undefined;
    if (!refusal) return;
    await this.lockout.succeeded(accountKey);
    this.metrics.loginAttempted(refusal.metric);
    await this.audit.recordIndependently({
      action: AuditAction.LoginFailed,
      outcome: 'failure',
      actorUserId: user.id,
      actorUsername: user.username,
      targetUsername: user.username,
      resourceType: 'auth',
      resourceId: user.id,
      details: { username: user.username, reason: refusal.reason, method: MfaMethod.WebAuthn },
      meta,
    });
    throw new AuthError(refusal.error);
  }
}
