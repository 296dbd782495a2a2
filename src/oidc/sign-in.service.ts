import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthCookies } from '../auth/auth-cookies';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import { BrowserSessionService } from '../auth/browser-session.service';
import { LoginService } from '../auth/login.service';
import { isMultiFactor } from '../common/access/authentication-method';
import type { PrincipalUser } from '../common/access/principal';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors/domain-error';
import type { RequestMeta } from '../common/http/request-meta';
import { AppConfig } from '../config/app-config';
import { MfaChallengesService } from '../mfa/mfa-challenges.service';
import { MfaFactorsService } from '../mfa/mfa-factors.service';
import { MfaErrorCode } from '../mfa/mfa.error';
import { MfaMethod, SecondFactorService, type CodeMethod } from '../mfa/second-factor.service';
import { UsersService } from '../users/users.service';
import { asksMultiFactor, requestedAcrs } from './acr';
import type { SignInAttempt, SignInRequestState } from './guards/sign-in-step.guard';
import {
  InteractionFinisher,
  type InteractionDetails,
  type InteractionView,
} from './interaction-finisher.service';
import { codePage } from './pages/code.page';
import { messagePage } from './pages/message.page';
import { signInPage } from './pages/sign-in.page';
import { SignInChallengeCookie } from './sign-in-challenge-cookie';
import { codeErrorMessage, rateLimitedMessage, signInErrorMessage } from './sign-in-messages';
import { expiredPage, passkeyOnlyPage, setUpFactorPage } from './sign-in-pages';

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
 * that needs one (MFA_REQUIRED_ROLES) — the code form, answered through the login challenge exactly as
 * /auth/mfa/verify answers it. The finished login opens the Aegis session (and sets the SPA's cookies); every
 * provider grant is tied to that session.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly interactions: InteractionFinisher,
    private readonly browser: BrowserSessionService,
    private readonly logins: LoginService,
    private readonly cookies: AuthCookies,
    private readonly challengeCookie: SignInChallengeCookie,
    private readonly challenges: MfaChallengesService,
    private readonly factors: MfaFactorsService,
    private readonly secondFactor: SecondFactorService,
    private readonly users: UsersService,
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
      return this.passwordForm(details);
    if (
      !isMultiFactor(existing.amr) &&
      (this.multiFactorRequired(existing.user, details) ||
        (await this.factors.hasFactor(existing.user.id)))
    )
      return this.passwordForm(details, {
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
    if (attempt.step === 'code') return this.codeStep(request, reply, details, attempt.code, meta);
    return this.passwordStep(request, reply, details, attempt, meta);
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
      return this.passwordForm(details, {
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
    if (outcome.kind === 'granted') {
      this.cookies.issue(reply, outcome.grant);
      return this.interactions.finish(request, reply, details, meta, {
        userId: outcome.userId,
        sessionId: outcome.grant.sessionId,
        authenticatedAt: this.clock.now(),
        amr: outcome.amr,
      });
    }
    if (!outcome.methods.some((method) => method !== MfaMethod.WebAuthn)) return passkeyOnlyPage();
    const { token, expiresInSeconds } = outcome.challenge;
    this.challengeCookie.issue(reply, details.uid, token, expiresInSeconds);
    return this.codeForm(details, user, outcome.methods);
  }

  /**
   * The code step. LoginService.withCode runs first, before this request's transaction opens: the attempt is
   * counted on the challenge (five per challenge) and in the account's lockout whatever happens next.
   */
  private async codeStep(
    request: FastifyRequest,
    reply: FastifyReply,
    details: InteractionDetails,
    code: string | null,
    meta: RequestMeta,
  ): Promise<InteractionView> {
    const token = this.challengeCookie.read(request, details.uid);
    let outcome;
    try {
      if (code === null) throw new CodeMissing();
      outcome = await this.logins.withCode(token, codeMethodOf(code), code, meta);
    } catch (error) {
      if (!(error instanceof DomainError || error instanceof CodeMissing)) throw error;
      // A challenge that died (this was its fifth wrong code, it expired, or it never was) needs the password
      // step again; while it lives, the code form says what was wrong.
      const challenge =
        error instanceof DomainError && error.code === (MfaErrorCode.ChallengeExpired as string)
          ? null
          : await this.challenges.findLive(token).catch(() => null);
      const user = challenge && (await this.users.findById(challenge.userId));
      if (!user) {
        this.challengeCookie.clear(reply);
        return this.passwordForm(details, {
          status: 401,
          error:
            'Too many wrong codes, or the code took too long. Sign in again with your password.',
        });
      }
      const refusal = error instanceof DomainError ? error : 'missing_code';
      const { message, status } = codeErrorMessage(refusal);
      return this.codeForm(details, user, await this.secondFactor.methodsOf(user.id), {
        error: message,
        status,
        retryAfterSeconds: refusal === 'missing_code' ? undefined : retryAfterOf(refusal),
      });
    }
    if (outcome.kind !== 'granted') throw new Error('A code step cannot ask for another factor');
    this.cookies.issue(reply, outcome.grant);
    this.challengeCookie.clear(reply);
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

  private async passwordForm(
    details: InteractionDetails,
    options: {
      username?: string;
      error?: string;
      notice?: string;
      status?: number;
      retryAfterSeconds?: number;
    } = {},
  ): Promise<InteractionView> {
    const html = signInPage({
      action: `/oidc/interaction/${details.uid}`,
      clientName: await this.interactions.clientName(details),
      username: options.username,
      error: options.error,
      notice: options.notice,
    });
    return { status: options.status ?? 200, html, retryAfterSeconds: options.retryAfterSeconds };
  }

  private async codeForm(
    details: InteractionDetails,
    user: Pick<PrincipalUser, 'username'>,
    methods: MfaMethod[],
    options: { error?: string; status?: number; retryAfterSeconds?: number } = {},
  ): Promise<InteractionView> {
    const action = `/oidc/interaction/${details.uid}`;
    const html = codePage({
      action,
      restart: action,
      clientName: await this.interactions.clientName(details),
      username: user.username,
      methods,
      error: options.error,
    });
    return { status: options.status ?? 200, html, retryAfterSeconds: options.retryAfterSeconds };
  }
}

/** The code field was left empty (or filled with far too much). */
class CodeMissing extends Error {}

function retryAfterOf(error: DomainError | 'missing_fields'): number | undefined {
  return error === 'missing_fields' ? undefined : error.options.retryAfterSeconds;
}
