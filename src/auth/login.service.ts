import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { RefusalAudit } from '../audit/refusal-audit.service';
import { AuthMethod } from '../common/access/authentication-method';
import type { RequestMeta } from '../common/http/request-meta';
import type { MfaChallenge } from '../mfa/entities/mfa-challenge.entity';
import { MfaChallengesService, type IssuedChallenge } from '../mfa/mfa-challenges.service';
import { MfaError, MfaErrorCode } from '../mfa/mfa.error';
import {
  MfaMethod,
  SecondFactorService,
  type CodeCheck,
  type CodeMethod,
} from '../mfa/second-factor.service';
import { UsersService } from '../users/users.service';
import { AuthError, AuthErrorCode } from './auth.error';
import type { VerifiedLogin } from './credential-verification.service';
import { LoginLockoutService } from './login-lockout.service';
import { SessionGrantsService, type TokenGrant } from './session-grants.service';

export type LoginClient = 'browser' | 'api';

export interface PasswordStepOptions {
  /**
   * A second factor is needed whatever the account has (an OpenID client asked for one, or the role policy
   * says so): an account without one is refused (MFA_ENROLMENT_REQUIRED) instead of signed in with the
   * password alone.
   */
  secondFactorRequired?: boolean;
}

/** Where a login step ended: a session, or a challenge for the second factor. */
export type LoginOutcome =
  | {
      kind: 'granted';
      grant: TokenGrant;
      client: LoginClient;
      challengeAnswered: boolean;
      /** Who signed in, and how (the session's `amr`). */
      userId: string;
      amr: AuthMethod[];
    }
  | { kind: 'mfa_required'; challenge: IssuedChallenge; methods: MfaMethod[] };

/** The audit action and error of a wrong code. */
function refusalOf(check: Extract<CodeCheck, { ok: false }>) {
  if (check.reason === 'reused')
    return { action: AuditAction.MfaCodeReused, code: MfaErrorCode.CodeReused };
  if (check.reason === 'not_enrolled')
    return { action: AuditAction.MfaFailed, code: MfaErrorCode.MethodNotEnrolled };
  return { action: AuditAction.MfaFailed, code: MfaErrorCode.CodeInvalid };
}

/**
 * A login, step by step: after the password (CredentialVerificationService.verify, run before the request's
 * unit of work opens), either a session or — when the user has a second factor — a challenge; then the
 * factor answers the challenge and the session is opened the same way. Every caller that signs someone in
 * (the login route, the second-factor route, a hosted sign-in page) goes through here.
 *
 * The per-account lockout covers the whole login: a right password with a factor still to come leaves the
 * failure count as it was, every wrong code adds to it, and only a completed login clears it. So a known
 * password does not buy unlimited guesses at the code (five per challenge, then the account backs off).
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly grants: SessionGrantsService,
    private readonly secondFactor: SecondFactorService,
    private readonly challenges: MfaChallengesService,
    private readonly lockout: LoginLockoutService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly refusals: RefusalAudit,
  ) {}

  /** The step after a right password. */
  async afterPassword(
    verified: VerifiedLogin,
    meta: RequestMeta,
    client: LoginClient,
    options: PasswordStepOptions = {},
  ): Promise<LoginOutcome> {
    const { user } = verified;
    const methods = await this.secondFactor.methodsOf(user.id);
    if (methods.length === 0 && options.secondFactorRequired) {
      // The password was right: its attempt is settled, and the refusal is audited whatever follows.
      await this.lockout.succeeded(verified.accountKey);
      await this.audit.recordIndependently({
        action: AuditAction.LoginFailed,
        outcome: 'failure',
        actorUserId: user.id,
        resourceType: 'auth',
        resourceId: user.id,
        details: { username: user.username, reason: 'mfa_enrolment_required' },
        meta,
      });
      throw new AuthError(AuthErrorCode.MfaEnrolmentRequired);
    }
    if (methods.length === 0) {
      await this.lockout.succeeded(verified.accountKey);
      const amr = [AuthMethod.Password];
      const grant = await this.grants.login(verified, meta, amr);
      return { kind: 'granted', grant, client, challengeAnswered: false, userId: user.id, amr };
    }
    await this.lockout.abandoned(verified.accountKey);
    const { upgradedHash } = verified;
    const challenge = await this.challenges.issue(
      {
        userId: user.id,
        accountKey: verified.accountKey,
        passwordChangedAt: user.passwordChangedAt,
        client,
      },
      upgradedHash === undefined
        ? undefined
        : () => this.users.upgradePasswordHash(user, upgradedHash),
    );
    return { kind: 'mfa_required', challenge, methods };
  }

  /**
   * A right password that the caller will not turn into a session for a reason of its own (the hosted sign-in
   * refuses an account that must change its password first): its attempt is settled, so it does not stay
   * in flight in the account's lockout budget.
   */
  async refusedAfterPassword(verified: VerifiedLogin): Promise<void> {
    await this.lockout.succeeded(verified.accountKey);
  }

  /**
   * Answers a challenge with a one-time code. The attempt is counted (on the challenge, and in the account's
   * lockout) before the code is looked at; call this before the request's unit of work opens its transaction.
   */
  async withCode(
    challengeToken: string | undefined,
    method: CodeMethod,
    code: string,
    meta: RequestMeta,
  ): Promise<LoginOutcome> {
    const challenge = await this.challenges.takeAttempt(challengeToken);
    const attempt = await this.lockout.beginAttempt(challenge.accountKey);
    if (!attempt.allowed) {
      await this.refusals.record({
        action: AuditAction.MfaFailed,
        reason: 'throttled',
        actorUserId: challenge.userId,
        resourceType: 'auth',
        resourceId: challenge.userId,
        details: { method },
        meta,
      });
      throw new AuthError(AuthErrorCode.AccountThrottled, {
        retryAfterSeconds: attempt.retryAfterSeconds,
      });
    }
    let check: CodeCheck;
    try {
      check = await this.secondFactor.checkCode(challenge.userId, method, code);
    } catch (error) {
      await this.lockout.abandoned(challenge.accountKey);
      throw error;
    }
    if (!check.ok) {
      await this.lockout.failed(challenge.accountKey);
      const refusal = refusalOf(check);
      await this.refusals.record({
        action: refusal.action,
        reason: check.reason,
        actorUserId: challenge.userId,
        resourceType: 'auth',
        resourceId: challenge.userId,
        details: { method },
        meta,
      });
      throw new MfaError(refusal.code);
    }
    await this.lockout.succeeded(challenge.accountKey);
    if (check.method === MfaMethod.RecoveryCode) {
      await this.audit.record({
        action: AuditAction.RecoveryCodeUsed,
        outcome: 'success',
        actorUserId: challenge.userId,
        resourceType: 'user',
        resourceId: challenge.userId,
        details: { recovery_codes_left: check.recoveryCodesLeft ?? 0 },
        meta,
      });
    }
    return this.complete(challenge, [AuthMethod.Password, AuthMethod.OneTimeCode], method, meta);
  }

  /**
   * A challenge answered: it is spent, and the session opens if the password it followed is still the
   * account's and the account can still sign in.
   */
  private async complete(
    challenge: MfaChallenge,
    amr: AuthMethod[],
    method: MfaMethod,
    meta: RequestMeta,
  ): Promise<LoginOutcome> {
    await this.challenges.consume(challenge);
    const user = await this.users.findById(challenge.userId);
    if (!user?.isActive || user.passwordChangedAt.getTime() !== challenge.passwordChangedAtMs)
      throw new MfaError(MfaErrorCode.ChallengeExpired);
    await this.audit.record({
      action: AuditAction.MfaVerified,
      outcome: 'success',
      actorUserId: user.id,
      resourceType: 'auth',
      resourceId: user.id,
      details: { method },
      meta,
    });
    const grant = await this.grants.login({ user }, meta, amr);
    return {
      kind: 'granted',
      grant,
      client: challenge.client === 'api' ? 'api' : 'browser',
      challengeAnswered: true,
      userId: user.id,
      amr,
    };
  }
}
