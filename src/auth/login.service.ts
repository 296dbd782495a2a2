import { Injectable } from '@nestjs/common';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import type { AuditDetails } from '../audit/entities/audit-event.entity';
import { RefusalAudit } from '../audit/refusal-audit.service';
import { AuthMethod } from '../common/access/authentication-method';
import type { RequestMeta } from '../common/http/request-meta';
import type { MfaChallenge } from '../mfa/entities/mfa-challenge.entity';
import { MfaChallengesService, type IssuedChallenge } from '../mfa/mfa-challenges.service';
import { MfaError, MfaErrorCode } from '../mfa/mfa.error';
import { MfaMethod, SecondFactorService, type CodeMethod } from '../mfa/second-factor.service';
import { WebAuthnAssertionsService } from '../mfa/webauthn-assertions.service';
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

/** A factor's verdict on a challenge, whatever the kind of factor. */
type FactorVerdict =
  | { ok: true; amr: AuthMethod[]; recoveryCodesLeft?: number }
  | { ok: false; reason: string; details?: AuditDetails };

/** The audit action and error of a refused answer. */
function refusalOf(method: MfaMethod, reason: string): { action: AuditAction; code: MfaErrorCode } {
  const codes: Record<string, MfaErrorCode> = {
    reused: MfaErrorCode.CodeReused,
    not_enrolled: MfaErrorCode.MethodNotEnrolled,
    challenge_invalid: MfaErrorCode.WebAuthnChallengeInvalid,
    unknown_credential: MfaErrorCode.WebAuthnResponseInvalid,
    counter_rewound: MfaErrorCode.PasskeyCounterRewound,
  };
  return {
    action: reason === 'reused' ? AuditAction.MfaCodeReused : AuditAction.MfaFailed,
    code:
      codes[reason] ??
      (method === MfaMethod.WebAuthn
        ? MfaErrorCode.WebAuthnResponseInvalid
        : MfaErrorCode.CodeInvalid),
  };
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
    private readonly webauthn: WebAuthnAssertionsService,
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
  withCode(
    challengeToken: string | undefined,
    method: CodeMethod,
    code: string,
    meta: RequestMeta,
  ): Promise<LoginOutcome> {
    return this.answer(challengeToken, method, meta, async (challenge) => {
      const check = await this.secondFactor.checkCode(challenge.userId, method, code);
      return check.ok
        ? {
            ok: true,
            amr: [AuthMethod.Password, AuthMethod.OneTimeCode],
            recoveryCodesLeft: check.recoveryCodesLeft,
          }
        : check;
    });
  }

  /**
   * Answers a challenge with a passkey (options from POST /auth/mfa/webauthn/options). Counted like a code; a
   * replayed answer, another user's credential or a counter that went backwards is a wrong answer.
   */
  withWebAuthn(
    challengeToken: string | undefined,
    response: AuthenticationResponseJSON,
    requestOrigin: string | undefined,
    meta: RequestMeta,
  ): Promise<LoginOutcome> {
    return this.answer(challengeToken, MfaMethod.WebAuthn, meta, async (challenge) => {
      const check = await this.webauthn.checkSecondFactor(challenge, response, requestOrigin);
      if (check.ok) return { ok: true, amr: [AuthMethod.Password, AuthMethod.HardwareKey] };
      return {
        ok: false,
        reason: check.reason,
        details: {
          ...(check.factor && { factor_id: check.factor.id }),
          ...(check.signCount && {
            stored_sign_count: check.signCount.stored,
            presented_sign_count: check.signCount.presented,
          }),
        },
      };
    });
  }

  /** One answer to a challenge: the attempt counted first, then the factor's verdict, audited either way. */
  private async answer(
    challengeToken: string | undefined,
    method: MfaMethod,
    meta: RequestMeta,
    check: (challenge: MfaChallenge) => Promise<FactorVerdict>,
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
    let verdict: FactorVerdict;
    try {
      verdict = await check(challenge);
    } catch (error) {
      await this.lockout.abandoned(challenge.accountKey);
      throw error;
    }
    if (!verdict.ok) {
      await this.lockout.failed(challenge.accountKey);
      const refusal = refusalOf(method, verdict.reason);
      await this.refusals.record({
        action: refusal.action,
        reason: verdict.reason,
        actorUserId: challenge.userId,
        resourceType: 'auth',
        resourceId: challenge.userId,
        details: { method, ...verdict.details },
        meta,
      });
      throw new MfaError(refusal.code);
    }
    await this.lockout.succeeded(challenge.accountKey);
    if (method === MfaMethod.RecoveryCode) {
      await this.audit.record({
        action: AuditAction.RecoveryCodeUsed,
        outcome: 'success',
        actorUserId: challenge.userId,
        resourceType: 'user',
        resourceId: challenge.userId,
        details: { recovery_codes_left: verdict.recoveryCodesLeft ?? 0 },
        meta,
      });
    }
    return this.complete(challenge, verdict.amr, method, meta);
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
