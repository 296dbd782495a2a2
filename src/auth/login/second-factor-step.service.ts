import { Injectable } from '@nestjs/common';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { AuditAction } from '../../audit/audit-action';
import { AuditService } from '../../audit/audit.service';
import { RefusalAudit } from '../../audit/refusal-audit.service';
import { AuthMethod } from '../../common/access/authentication-method';
import { MfaMethod, type CodeMethod } from '../../common/access/mfa-method';
import type { RequestMeta } from '../../common/http/request-meta';
import { SecondFactorService } from '../../mfa/second-factor.service';
import { WebAuthnAssertionsService } from '../../mfa/webauthn-assertions.service';
import { hashChallenge, signedChallengeOf } from '../../mfa/webauthn-credentials';
import type { User } from '../../users/entities/user.entity';
import { UsersService } from '../../users/users.service';
import { AuthError, AuthErrorCode } from '../auth.error';
import { LoginLockoutService } from '../lockout/login-lockout.service';
import { SessionGrantsService } from '../session-grants.service';
import type { LoginChallenge } from './login-challenge/login-challenge.entity';
import { LoginChallengesService } from './login-challenge/login-challenges.service';
import type { GrantedLogin } from './login-outcome';
import { factorRefusal, type FactorVerdict } from './factor-verdict';
import { LoginStepError, LoginStepErrorCode } from './login-step.error';

/**
 * The second step of a login: the challenge LoginService issued, answered with a code, a recovery code or a
 * passkey, the same way whichever entrance asks (POST /auth/mfa/verify, the OAuth2 form, the hosted sign-in).
 * Each answer is counted on the challenge (five per challenge) and in the account's lockout before it is looked
 * at; call these before the request's unit of work opens its transaction.
 */
@Injectable()
export class SecondFactorStepService {
  constructor(
    private readonly challenges: LoginChallengesService,
    private readonly secondFactor: SecondFactorService,
    private readonly webauthn: WebAuthnAssertionsService,
    private readonly grants: SessionGrantsService,
    private readonly lockout: LoginLockoutService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly refusals: RefusalAudit,
  ) {}

  /** Who the live challenge behind `token` is for and how they can answer it, or null (no attempt spent). */
  async pending(token: string | undefined): Promise<{ user: User; methods: MfaMethod[] } | null> {
    const challenge = await this.challenges.findLive(token).catch(() => null);
    const user = challenge && (await this.users.findById(challenge.userId));
    return user ? { user, methods: await this.secondFactor.methodsOf(user.id) } : null;
  }

  /**
   * Passkey options for the challenge behind `token` (no attempt spent): single use, bound to the challenge; a
   * newer request voids the previous one. A user without a passkey: MFA_METHOD_NOT_ENROLLED.
   */
  async passkeyOptions(
    token: string | undefined,
    requestOrigin: string | undefined,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const challenge = await this.challenges.findLive(token);
    const options = await this.webauthn.secondFactorOptions(challenge.userId, requestOrigin);
    if (!options) throw new LoginStepError(LoginStepErrorCode.MethodNotEnrolled);
    await this.challenges.setWebAuthnChallenge(challenge, hashChallenge(options.challenge));
    return options;
  }

  /** Answers the challenge with a one-time code (an authenticator app's, or a recovery code). */
  withCode(
    token: string | undefined,
    method: CodeMethod,
    code: string,
    meta: RequestMeta,
  ): Promise<GrantedLogin> {
    return this.answer(token, method, meta, async (challenge) => {
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
   * Answers the challenge with a passkey (options from passkeyOptions). The WebAuthn challenge it signed is
   * spent first, committed at once: a replayed or stale answer finds it gone. Another user's credential or a
   * counter that went backwards is a wrong answer.
   */
  withWebAuthn(
    token: string | undefined,
    response: AuthenticationResponseJSON,
    requestOrigin: string | undefined,
    meta: RequestMeta,
  ): Promise<GrantedLogin> {
    return this.answer(token, MfaMethod.WebAuthn, meta, async (challenge) => {
      const signed = signedChallengeOf(response);
      if (
        signed === undefined ||
        !(await this.challenges.spendWebAuthnChallenge(challenge, hashChallenge(signed)))
      )
        return { ok: false, reason: 'challenge_invalid' };
      const check = await this.webauthn.checkSecondFactor(
        challenge.userId,
        response,
        signed,
        requestOrigin,
      );
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
    token: string | undefined,
    method: MfaMethod,
    meta: RequestMeta,
    check: (challenge: LoginChallenge) => Promise<FactorVerdict>,
  ): Promise<GrantedLogin> {
    const challenge = await this.challenges.takeAttempt(token);
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
      const refusal = factorRefusal(method, verdict.reason);
      await this.refusals.record({
        action: refusal.action,
        reason: verdict.reason,
        actorUserId: challenge.userId,
        resourceType: 'auth',
        resourceId: challenge.userId,
        details: { method, ...verdict.details },
        meta,
      });
      throw new LoginStepError(refusal.code);
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
    challenge: LoginChallenge,
    amr: AuthMethod[],
    method: MfaMethod,
    meta: RequestMeta,
  ): Promise<GrantedLogin> {
    await this.challenges.consume(challenge);
    const user = await this.users.findById(challenge.userId);
    if (!user?.isActive || user.passwordChangedAt.getTime() !== challenge.passwordChangedAtMs)
      throw new LoginStepError(LoginStepErrorCode.ChallengeExpired);
    await this.audit.record({
      action: AuditAction.MfaVerified,
      outcome: 'success',
      actorUserId: user.id,
      actorUsername: user.username,
      targetUsername: user.username,
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
