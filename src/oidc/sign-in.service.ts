import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, type InteractionResults } from 'oidc-provider';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { AuthCookies } from '../auth/auth-cookies';
import { BrowserSessionService } from '../auth/browser-session.service';
import { LoginService } from '../auth/login.service';
import { Clock } from '../common/clock';
import type { RequestMeta } from '../common/http/request-meta';
import { AppConfig } from '../config/app-config';
import type { SignInAttempt } from './guards/sign-in-credentials.guard';
import { OidcProviderService } from './oidc-provider.service';
import { messagePage } from './pages/message.page';
import { signInPage } from './pages/sign-in.page';
import { ACR_PASSWORD, OIDC_CLAIMS } from './provider-configuration';
import { SessionLinksService } from './session-links.service';
import { signInErrorMessage } from './sign-in-messages';

/** What the interaction route answers: a page, or a redirect back into the provider. */
export type InteractionView = { status: number; html: string } | { redirect: string };

type Details = Awaited<
  ReturnType<Awaited<ReturnType<OidcProviderService['provider']>>['interactionDetails']>
>;

interface SignedIn {
  userId: string;
  sessionId: string;
  authenticatedAt: Date;
  amr: string[];
}

const OIDC_SCOPES = new Set([...Object.keys(OIDC_CLAIMS), 'offline_access']);

/**
 * Reasons the provider gives for a login prompt that an existing Aegis session must not satisfy: the client
 * asked for a fresh sign-in, or named another user. (An ended provider session is no such reason: the browser's
 * Aegis session is checked live, and may be a newer one.)
 */
const FRESH_LOGIN_REASONS = ['login_prompt', 'id_token_hint'];

/**
 * The hosted sign-in behind /oidc/interaction/:uid. A browser with a live Aegis session (the SPA's cookies) is
 * signed in without a prompt; otherwise the password form, checked by the same services as /auth/login, which
 * also opens the Aegis session (and sets the SPA's cookies). Every provider grant is tied to that session.
 * First-party clients need no consent: the grant covers what the client asked for.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly providers: OidcProviderService,
    private readonly browser: BrowserSessionService,
    private readonly logins: LoginService,
    private readonly cookies: AuthCookies,
    private readonly links: SessionLinksService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async show(
    request: FastifyRequest,
    reply: FastifyReply,
    meta: RequestMeta,
  ): Promise<InteractionView> {
    const details = await this.details(request, reply);
    if (!details) return expired();
    if (details.prompt.name === 'consent') return this.consent(request, reply, details, meta);
    if (details.prompt.name !== 'login') return expired();
    const fresh = details.prompt.reasons.some((reason) => FRESH_LOGIN_REASONS.includes(reason));
    const existing = fresh ? null : await this.browser.recognise(request);
    if (
      existing &&
      !existing.user.mustChangePassword &&
      this.recentEnough(details, existing.authenticatedAt)
    ) {
      return this.finish(request, reply, details, meta, {
        userId: existing.user.id,
        sessionId: existing.sessionId,
        authenticatedAt: existing.authenticatedAt,
        amr: ['pwd'],
      });
    }
    return { status: 200, html: await this.form(details) };
  }

  async submit(
    request: FastifyRequest,
    reply: FastifyReply,
    attempt: SignInAttempt,
    meta: RequestMeta,
  ): Promise<InteractionView> {
    const details = await this.details(request, reply);
    if (!details || details.prompt.name !== 'login') return expired();
    if ('error' in attempt) {
      const { message, status } = signInErrorMessage(attempt.error);
      return { status, html: await this.form(details, attempt.username, message) };
    }
    const { user } = attempt.verified;
    if (user.mustChangePassword)
      return {
        status: 403,
        html: messagePage(
          'Change your password first',
          'An administrator set your password, so it must be changed before you can sign in to other tools.',
          'Sign in to Aegis itself, choose a new password, then come back to this tool.',
        ),
      };
    const outcome = await this.logins.afterPassword(attempt.verified, meta, 'browser');
    if (outcome.kind !== 'granted')
      // The code step of the hosted page is not built yet: the account signs in to Aegis itself (password
      // and code), and the tool then signs it in from that session without a prompt.
      return {
        status: 403,
        html: messagePage(
          'Sign in to Aegis first',
          'This account signs in with a second factor, which this page does not ask for yet.',
          'Sign in to Aegis itself with your password and code, then come back to this tool: it will sign you in without asking again.',
        ),
      };
    const { grant } = outcome;
    this.cookies.issue(reply, grant);
    return this.finish(request, reply, details, meta, {
      userId: user.id,
      sessionId: grant.sessionId,
      authenticatedAt: this.clock.now(),
      amr: ['pwd'],
    });
  }

  /** max_age: the Aegis session's sign-in must be at most that many seconds old. */
  private recentEnough(details: Details, authenticatedAt: Date): boolean {
    if (details.params.max_age === undefined) return true;
    const maxAgeMs = Number(details.params.max_age) * 1000;
    return this.clock.now().getTime() - authenticatedAt.getTime() <= maxAgeMs;
  }

  /** A second tool in a browser that already signed in at the provider: a grant for it, no page. */
  private async consent(
    request: FastifyRequest,
    reply: FastifyReply,
    details: Details,
    meta: RequestMeta,
  ): Promise<InteractionView> {
    const uid = details.session?.uid;
    const aegis = uid === undefined ? null : await this.links.liveAegisSessionOf(uid);
    if (!aegis || aegis.userId !== details.session?.accountId) return expired();
    const grantId = await this.grantFor(details, aegis.userId, aegis.sessionId);
    await this.recordSignIn(details, aegis.userId, details.session?.amr ?? ['pwd'], meta);
    return this.resume(request, reply, { consent: { grantId } }, true);
  }

  private async finish(
    request: FastifyRequest,
    reply: FastifyReply,
    details: Details,
    meta: RequestMeta,
    signedIn: SignedIn,
  ): Promise<InteractionView> {
    const grantId = await this.grantFor(details, signedIn.userId, signedIn.sessionId);
    await this.recordSignIn(details, signedIn.userId, signedIn.amr, meta);
    return this.resume(
      request,
      reply,
      {
        login: {
          accountId: signedIn.userId,
          ts: Math.floor(signedIn.authenticatedAt.getTime() / 1000),
          amr: signedIn.amr,
          acr: ACR_PASSWORD,
          remember: true,
        },
        consent: { grantId },
      },
      false,
    );
  }

  private async resume(
    request: FastifyRequest,
    reply: FastifyReply,
    result: InteractionResults,
    merge: boolean,
  ): Promise<InteractionView> {
    const provider = await this.providers.provider();
    const redirect = await provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: merge,
    });
    return { redirect };
  }

  /** A grant for what the client asked: the OpenID scopes Aegis knows, and registered resources' scopes. */
  private async grantFor(
    details: Details,
    accountId: string,
    aegisSessionId: string,
  ): Promise<string> {
    const provider = await this.providers.provider();
    const clientId = String(details.params.client_id);
    const grant = new provider.Grant({ accountId, clientId });
    const requested = textParam(details.params.scope)
      .split(' ')
      .filter((scope) => scope !== '');
    grant.addOIDCScope(requested.filter((scope) => OIDC_SCOPES.has(scope)).join(' '));
    const apiScopes = requested.filter((scope) => this.config.oidc.resourceScopes.includes(scope));
    const resources = ([] as unknown[]).concat(details.params.resource ?? []).map(String);
    for (const resource of resources) {
      if (this.config.oidc.resources.includes(resource))
        grant.addResourceScope(resource, apiScopes.join(' '));
    }
    const grantId = await grant.save();
    await this.links.link(grantId, clientId, accountId, aegisSessionId);
    return grantId;
  }

  private recordSignIn(details: Details, userId: string, amr: string[], meta: RequestMeta) {
    return this.audit.record({
      action: AuditAction.OidcSignIn,
      outcome: 'success',
      actorUserId: userId,
      resourceType: 'oidc_client',
      resourceId: String(details.params.client_id),
      details: { scopes: textParam(details.params.scope), amr: amr.join(' ') },
      meta,
    });
  }

  private async form(details: Details, username?: string, error?: string): Promise<string> {
    const provider = await this.providers.provider();
    const client = await provider.Client.find(String(details.params.client_id));
    return signInPage({
      action: `/oidc/interaction/${details.uid}`,
      clientName: client?.clientName ?? 'an application',
      username,
      error,
    });
  }

  private async details(request: FastifyRequest, reply: FastifyReply): Promise<Details | null> {
    const provider = await this.providers.provider();
    try {
      return await provider.interactionDetails(request.raw, reply.raw);
    } catch (error) {
      if (error instanceof errors.OIDCProviderError) return null;
      throw error;
    }
  }
}

/** A request parameter as the provider parsed it: text, or nothing. */
function textParam(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function expired(): InteractionView {
  return {
    status: 400,
    html: messagePage(
      'This sign-in link has expired',
      'The sign-in request is unknown or took too long.',
      'Go back to the application you came from and sign in again.',
    ),
  };
}
