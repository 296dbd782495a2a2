import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from '../common/crypto/password-hasher';
import type { RequestMeta } from '../common/http/request-meta';
import { AuthMetrics } from '../metrics/auth-metrics';
import type { User } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { AuthError, AuthErrorCode } from './auth.error';
import { DeviceCookies } from './device-cookies';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { LoginLockoutService } from './lockout/login-lockout.service';

const MAX_AUDITED_USERNAME = 128;

/** A password check that succeeded, with a stronger hash to store when the old one used weaker parameters. */
export interface VerifiedLogin {
  user: User;
  upgradedHash?: string;
  /**
   * The lockout budget the check was charged to. The check still holds its place in it: the login step settles
   * it (LoginService: cleared when the login completes, kept when a second factor must follow).
   */
  accountKey: string;
}

/** What the client showed besides the password. */
export interface LoginEvidence {
  /** The device cookie, if the browser has one (see {@link DeviceCookies}). */
  deviceToken?: string;
}

/** The password step of a login: the per-account lockout, the timing-equal check, the audit of failures. */
@Injectable()
export class CredentialVerificationService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LoginLockoutService,
    private readonly audit: AuditService,
    private readonly metrics: AuthMetrics,
    private readonly devices: DeviceCookies,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.oneTimePasswordTtlMs = config.oneTimePasswordTtlMs;
  }

  private readonly oneTimePasswordTtlMs: number;

  /**
   * Checks a username and password (the DTO has already capped the password at 128 code points). The attempt
   * holds a place in the account's failure budget before the check, and is refused (429) while the account is locked, even
   * with the right password. An unknown user costs the same: a counted attempt and one full argon2 verify
   * against a dummy hash with the same parameters, so neither timing nor a lockout tells whether an account
   * exists. Failures are audited in their own transaction before the error is thrown. A right password leaves
   * the attempt open in the budget: settle it with LoginService.afterPassword (the login step decides whether a
   * second factor follows, and only a completed login clears the count).
   */
  async verify(
    loginName: string,
    password: string,
    meta: RequestMeta,
    evidence: LoginEvidence = {},
  ): Promise<VerifiedLogin> {
    const user = await this.users.findByLoginName(loginName);
    const deviceId = user ? this.devices.deviceOf(evidence.deviceToken, user.id) : null;
    const accountKey = !user
      ? LoginLockoutService.keyForUnknownName(loginName)
      : deviceId
        ? LoginLockoutService.keyForDevice(user.id, deviceId)
        : LoginLockoutService.keyForUser(user.id);
    const failure = (reason: string) =>
      this.audit.recordIndependently({
        action: AuditAction.LoginFailed,
        outcome: 'failure',
        actorUserId: user?.id ?? null,
        actorUsername: user?.username ?? null,
        targetUsername: user?.username ?? null,
        resourceType: 'auth',
        resourceId: user?.id ?? null,
        details: { username: loginName.slice(0, MAX_AUDITED_USERNAME), reason },
        meta,
      });

    const attempt = await this.lockout.beginAttempt(accountKey);
    if (!attempt.allowed) {
      this.metrics.loginAttempted('throttled');
      await failure('throttled');
      throw new AuthError(AuthErrorCode.AccountThrottled, {
        retryAfterSeconds: attempt.retryAfterSeconds,
      });
    }
    let valid: boolean;
    try {
      valid = await this.hasher.verify(user?.passwordHash ?? this.hasher.dummyHash, password);
    } catch (error) {
      await this.lockout.abandoned(accountKey);
      throw error;
    }
    if (!user || !valid) {
      await this.lockout.failed(accountKey);
      this.metrics.loginAttempted('invalid_credentials');
      await failure('invalid_credentials');
      throw new AuthError(AuthErrorCode.InvalidCredentials);
    }
    // A right password on an account that cannot sign in settles the count here; otherwise the caller does.
    const refusedAfterPassword = async (reason: string): Promise<void> => {
      await this.lockout.succeeded(accountKey);
      await failure(reason);
    };
    if (!user.isActive) {
      this.metrics.loginAttempted('account_disabled');
      await refusedAfterPassword('account_disabled');
      throw new AuthError(AuthErrorCode.AccountDisabled);
    }
    // A password someone else set (it must be changed at first login) works for a limited time only; said
    // only to whoever knows it, so it reveals nothing to a guesser.
    if (
      user.mustChangePassword &&
      this.clock.now().getTime() - user.passwordChangedAt.getTime() >= this.oneTimePasswordTtlMs
    ) {
      this.metrics.loginAttempted('invalid_credentials');
      await refusedAfterPassword('one_time_password_expired');
      throw new AuthError(AuthErrorCode.OneTimePasswordExpired);
    }
    let upgradedHash: string | undefined;
    try {
      upgradedHash = this.hasher.needsRehash(user.passwordHash)
        ? await this.hasher.hash(password)
        : undefined;
    } catch (error) {
      await this.lockout.abandoned(accountKey);
      throw error;
    }
    return { user, upgradedHash, accountKey };
  }
}
