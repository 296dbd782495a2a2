import { Injectable } from '@nestjs/common';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthCookies } from '../auth/auth-cookies';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import { BrowserSessionService } from '../auth/browser-session.service';
import type { GrantedLogin } from '../auth/login/login-outcome';
import { LoginStepError, LoginStepErrorCode } from '../auth/login/login-step.error';
import { LoginService } from '../auth/login/login.service';
import { SecondFactorStepService } from '../auth/login/second-factor-step.service';
import { isMultiFactor } from '../common/access/authentication-method';
import { MfaMethod, type CodeMethod } from '../common/access/mfa-method';
import type { PrincipalUser } from '../common/access/principal';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors/domain-error';
import type { RequestMeta } from '../common/http/request-meta';
import { requestOriginOf } from '../common/http/request-origin';
import { AppConfig } from '../config/app-config';
import { asksMultiFactor, requestedAcrs } from './acr';
import type { SignInAttempt, SignInRequestState } from './sign-in-attempt';
import {
  InteractionFinisher,
  type InteractionDetails,
  type InteractionView,
} from './interaction-finisher.service';
import { messagePage } from './pages/message.page';
import { SessionLinksService } from './session-links.service';
import { SignInChallengeCookie } from './sign-in-challenge-cookie';
import { SignInForms } from './sign-in-forms';
import { codeErrorMessage, rateLimitedMessage, signInErrorMessage } from './sign-in-messages';
import { expiredPage, setUpFactorPage } from './sign-in-pages';

export type { InteractionView } from './interaction-finisher.service';

/**
 * Reasons the provider gives for a login prompt that an existing Aegis session must not satisfy: the client
 * asked for a fresh sign-in, or named another user. (An ended provider session is no such reason: the browser's
 * Aegis session is checked live, and may be a newer one.)
 */
const FRESH_LOGIN_REASONS = ['login_prompt', 'id_token_hint'];

/** A TOTP code is six digits; anything else typed into the code field is a recovery code. */
const codeMethodOf = (code: string): CodeMethod =>
  /^\d{6}$/.test(code.replace(/\s/g, '')) ? MfaMethod.Totp : MfaMethod.RecoveryCode;

/**
 * The hosted sign-in behind /oidc/interaction/:uid. A browser with a live Aegis session (the SPA's cookies) that
 * is strong enough is signed in without a prompt; otherwise the password form, checked by the same services as
 * /auth/login, then — for an account with a second factor, a client asking for one (`acr_values`), or a role
 * that needs one (MFA_REQUIRED_ROLES) — the second step (a code, or the passkey button), answered through the
 * login challenge exactly as /auth/mfa/verify answers it. The finished login opens the Aegis session (and sets the SPA's cookies); every
 * provider grant is tied to that session.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly interactions: InteractionFinisher,
    private readonly forms: SignInForms,
    private readonly browser: BrowserSessionService,
    private readonly logins: LoginService,
    private readonly secondFactorStep: SecondFactorStepService,
    private readonly cookies: AuthCookies,
    private readonly challengeCookie: SignInChallengeCookie,
    private readonly links: SessionLinksService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async show(
    request: FastifyRequest,
    reply: FastifyReply,
    meta: RequestMeta,
  ): Promise<InteractionView> {
    const details = await this.interactions.details(request, reply);
    if (!details) return expiredPage();
    if (details.prompt.name === 'consent')
      return (await this.interactions.consent(request, reply, details, meta)) ?? expiredPage();
    if (details.prompt.name !== 'login') return expiredPage();
    const fresh = details.prompt.reasons.some((reason) => FRESH_LOGIN_REASONS.includes(reason));
    const existing = fresh ? null : await this.browser.recognise(request);
    if (
      !existing ||
      existing.user.mustChangePassword ||
      !this.recentEnough(details, existing.authenticatedAt)
    )
      return this.forms.password(details);
    if (
      !isMultiFactor(existing.amr) &&
      (this.multiFactorRequired(existing.user, details) ||
        (await this.logins.hasSecondFactor(existing.user.id)))
    )
      return this.forms.password(details, {
        notice:
          'This tool needs your second factor, which your Aegis session did not use. Sign in with your password, then your code.',
      });
    return this.interactions.finish(request, reply, details, meta, {
      userId: existing.user.id,
      sessionId: existing.sessionId,
      authenticatedAt: existing.authenticatedAt,
      amr: existing.amr,
    });
  }

  async submit(
    request: FastifyRequest,
    reply: FastifyReply,
    { details, attempt }: SignInRequestState,
    meta: RequestMeta,
  ): Promise<InteractionView> {
    if (attempt.step === 'rate_limited') {
      const html = messagePage('Too many attempts', rateLimitedMessage(attempt.retryAfterSeconds));
      return { status: 429, html, retryAfterSeconds: attempt.retryAfterSeconds };
    }
    if (!details || attempt.step === 'expired') return expiredPage();
    if (attempt.step === 'code' || attempt.step === 'passkey')
      return this.secondStep(request, reply, details, attempt, meta);
    return this.passwordStep(request, reply, details, attempt, meta);
  }

  /**
   * The passkey button's options (JSON): those of the login challenge this browser holds for this very
   * interaction, bound to it as POST /auth/mfa/webauthn/options binds them (single use, a newer one voids the
   * older). No challenge for this interaction → MFA_CHALLENGE_EXPIRED, which the button shows.
   */
  async passkeyOptions(
    request: FastifyRequest,
    reply: FastifyReply,
    uid: string,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const details = await this.interactions.details(request, reply);
    if (details?.uid !== uid || details.prompt.name !== 'login')
      throw new LoginStepError(LoginStepErrorCode.ChallengeExpired);
    return this.secondFactorStep.passkeyOptions(
      this.challengeCookie.read(request, uid),
      requestOriginOf(request),
    );
  }

  private async passwordStep(
    request: FastifyRequest,
    reply: FastifyReply,
    details: InteractionDetails,
    attempt: Extract<SignInAttempt, { step: 'password' }>,
    meta: RequestMeta,
  ): Promise<InteractionView> {
    if ('error' in attempt) {
      const { message, status } = signInErrorMessage(attempt.error);
      return this.forms.password(details, {
        username: attempt.username,
        error: message,
        status,
        retryAfterSeconds: retryAfterOf(attempt.error),
      });
    }
    const { user } = attempt.verified;
    if (user.mustChangePassword) {
      await this.logins.refusedAfterPassword(attempt.verified);
      return {
        status: 403,
        html: messagePage(
          'Change your password first',
          'An administrator set your password, so it must be changed before you can sign in to other tools.',
          'Sign in to Aegis itself, choose a new password, then come back to this tool.',
        ),
      };
    }
    let outcome;
    try {
      outcome = await this.logins.afterPassword(attempt.verified, meta, 'browser', {
        secondFactorRequired: this.multiFactorRequired(user, details),
      });
    } catch (error) {
      if (
        error instanceof AuthError &&
        error.code === (AuthErrorCode.MfaEnrolmentRequired as string)
      )
        return setUpFactorPage();
      throw error;
    }
    if (outcome.kind === 'granted') return this.signedIn(request, reply, details, meta, outcome);
    const { token, expiresInSeconds } = outcome.challenge;
    this.challengeCookie.issue(reply, details.uid, token, expiresInSeconds);
    return this.forms.secondStep(details, user, outcome.methods);
  }

  /**
   * The second step: a code, or the passkey button's answer. LoginService runs first, before this request's
   * transaction opens: the attempt is counted on the challenge (five per challenge) and in the account's
   * lockout whatever happens next.
   */
  private async secondStep(
    request: FastifyRequest,
    reply: FastifyReply,
    details: InteractionDetails,
    attempt: Extract<SignInAttempt, { step: 'code' | 'passkey' }>,
    meta: RequestMeta,
  ): Promise<InteractionView> {
    const token = this.challengeCookie.read(request, details.uid);
    const requestOrigin = requestOriginOf(request);
    let outcome;
    try {
      if (attempt.step === 'code') {
        if (attempt.code === null) throw new AnswerMissing('missing_code');
        outcome = await this.secondFactorStep.withCode(
          token,
          codeMethodOf(attempt.code),
          attempt.code,
          meta,
        );
      } else {
        if (attempt.response === null) throw new AnswerMissing('missing_passkey');
        outcome = await this.secondFactorStep.withWebAuthn(
          token,
          attempt.response,
          requestOrigin,
          meta,
        );
      }
    } catch (error) {
      if (!(error instanceof DomainError || error instanceof AnswerMissing)) throw error;
      // A challenge that died (this was its fifth wrong answer, it expired, or it never was) needs the
      // password step again; while it lives, the second step says what was wrong.
      const pending =
        error instanceof DomainError &&
        error.code === (LoginStepErrorCode.ChallengeExpired as string)
          ? null
          : await this.secondFactorStep.pending(token);
      if (!pending) {
        this.challengeCookie.clear(reply);
        return this.forms.password(details, {
          status: 401,
          error:
            'Too many wrong answers, or the second step took too long. Sign in again with your password.',
        });
      }
      const refusal = error instanceof DomainError ? error : error.reason;
      const { message, status } = codeErrorMessage(refusal);
      return this.forms.secondStep(details, pending.user, pending.methods, {
        error: message,
        status,
        retryAfterSeconds: refusal instanceof DomainError ? retryAfterOf(refusal) : undefined,
      });
    }
    this.challengeCookie.clear(reply);
    return this.signedIn(request, reply, details, meta, outcome);
  }

  /**
   * A sign-in on this page opened an Aegis session: the browser gets its cookies, and a session of the same
   * user the browser held until now hands its tools over to it and ends (see SessionLinksService.handOver).
   */
  private async signedIn(
    request: FastifyRequest,
    reply: FastifyReply,
    details: InteractionDetails,
    meta: RequestMeta,
    outcome: GrantedLogin,
  ): Promise<InteractionView> {
    const previous = await this.browser.recognise(request);
    if (previous?.user.id === outcome.userId && previous.sessionId !== outcome.grant.sessionId)
      await this.links.handOver(previous.sessionId, outcome.grant.sessionId, outcome.userId);
    this.cookies.issue(reply, outcome.grant);
    return this.interactions.finish(request, reply, details, meta, {
      userId: outcome.userId,
      sessionId: outcome.grant.sessionId,
      authenticatedAt: this.clock.now(),
      amr: outcome.amr,
    });
  }

  /** The client asked for multi-factor (`acr_values`, `claims`), or the user's role needs it. */
  private multiFactorRequired(user: Pick<PrincipalUser, 'role'>, details: InteractionDetails) {
    return (
      asksMultiFactor(requestedAcrs(details.params)) ||
      this.config.mfa.requiredRoles.includes(user.role)
    );
  }

  /** max_age: the Aegis session's sign-in must be at most that many seconds old. */
  private recentEnough(details: InteractionDetails, authenticatedAt: Date): boolean {
    if (details.params.max_age === undefined) return true;
    const maxAgeMs = Number(details.params.max_age) * 1000;
    return this.clock.now().getTime() - authenticatedAt.getTime() <= maxAgeMs;
  }
}

/** The code field was left empty (or filled with far too much), or the passkey answer was no answer. */
class AnswerMissing extends Error {
  constructor(readonly reason: 'missing_code' | 'missing_passkey') {
    super(reason);
  }
}

function retryAfterOf(error: DomainError | 'missing_fields'): number | undefined {
  return error === 'missing_fields' ? undefined : error.options.retryAfterSeconds;
}
