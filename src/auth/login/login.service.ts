import { Injectable } from '@nestjs/common';
import { AuditAction } from '../../audit/audit-action';
import { AuditService } from '../../audit/audit.service';
import { AuthMethod } from '../../common/access/authentication-method';
import type { RequestMeta } from '../../common/http/request-meta';
import { SecondFactorService } from '../../mfa/second-factor.service';
import { UsersService } from '../../users/users.service';
import { AuthError, AuthErrorCode } from '../auth.error';
import type { VerifiedLogin } from '../credential-verification.service';
import { LoginLockoutService } from '../lockout/login-lockout.service';
import { SessionGrantsService } from '../session-grants.service';
import { LoginChallengesService } from './login-challenge/login-challenges.service';
import type { LoginClient } from './login-client';
import type { LoginOutcome } from './login-outcome';

export interface FirstFactorOptions {
  /**
   * A second factor is needed whatever the account has (an OpenID client asked for one, or the role policy
   * says so): an account without one is refused (MFA_ENROLMENT_REQUIRED) instead of signed in with the
   * first factor alone.
   */
  secondFactorRequired?: boolean;
}

/**
 * A login, step by step. Every entrance that signs someone in — POST /auth/login, the OAuth2 password form, the
 * hosted OpenID sign-in page — checks the first factor (today the password: CredentialVerificationService.verify,
 * run before the request's unit of work opens) and hands the result here: either a session, or — when the user
 * has a second factor — a login challenge, which SecondFactorStepService answers and turns into a session the
 * same way. A new first factor (an upstream identity provider, a directory) plugs in by producing a verified
 * login and calling afterFirstFactor; everything after it is shared.
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
    private readonly challenges: LoginChallengesService,
    private readonly lockout: LoginLockoutService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** The step after a right password: the first factor of every login today. */
  afterPassword(
    verified: VerifiedLogin,
    meta: RequestMeta,
    client: LoginClient,
    options: FirstFactorOptions = {},
  ): Promise<LoginOutcome> {
    return this.afterFirstFactor(verified, meta, client, options);
  }

  /** After a first factor: a session, a challenge for the second, or MFA_ENROLMENT_REQUIRED. */
  private async afterFirstFactor(
    verified: VerifiedLogin,
    meta: RequestMeta,
    client: LoginClient,
    options: FirstFactorOptions,
  ): Promise<LoginOutcome> {
    const { user } = verified;
    const methods = await this.secondFactor.methodsOf(user.id);
    if (methods.length === 0 && options.secondFactorRequired) {
      // The first factor was right: its attempt is settled, and the refusal is audited whatever follows.
      await this.lockout.succeeded(verified.accountKey);
      await this.audit.recordIndependently({
        action: AuditAction.LoginFailed,
        outcome: 'failure',
        actorUserId: user.id,
        actorUsername: user.username,
        targetUsername: user.username,
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

  /** Whether a session without a second factor is weaker than this user could sign in with. */
  hasSecondFactor(userId: string): Promise<boolean> {
    return this.secondFactor.hasAny(userId);
  }
}
