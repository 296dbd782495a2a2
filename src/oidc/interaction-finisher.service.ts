import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, type InteractionResults } from 'oidc-provider';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { UsersService } from '../users/users.service';
import type { RequestMeta } from '../common/http/request-meta';
import { AppConfig } from '../config/app-config';
import { acrOf } from './acr';
import { claimsNamedIn } from './claims-parameter';
import { OidcProviderService } from './oidc-provider.service';
import { OIDC_CLAIMS } from './provider-configuration';
import { SessionLinksService } from './session-links.service';

/** The provider's view of one sign-in request (its interaction). */
export type InteractionDetails = Awaited<
  ReturnType<Awaited<ReturnType<OidcProviderService['provider']>>['interactionDetails']>
>;

/**
 * What the interaction route answers: a page (`scripts` when it loads the hosted pages' scripts), or a
 * redirect back into the provider.
 */
export type InteractionView =
  | { status: number; html: string; retryAfterSeconds?: number; scripts?: true }
  | { redirect: string };

/** A finished sign-in: who, in which Aegis session, when and how. */
export interface SignedIn {
  userId: string;
  sessionId: string;
  authenticatedAt: Date;
  amr: string[];
}

const OIDC_SCOPES = new Set([...Object.keys(OIDC_CLAIMS), 'offline_access']);
const SERVED_CLAIMS = new Set(Object.values(OIDC_CLAIMS).flat());

/**
 * The provider's side of the hosted sign-in: reading the interaction, and ending it with a login and a grant
 * tied to the Aegis session (first-party clients need no consent: the grant covers what the client asked for).
 */
@Injectable()
export class InteractionFinisher {
  constructor(
    private readonly providers: OidcProviderService,
    private readonly links: SessionLinksService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  /** The interaction behind the request's cookie, or null when it is unknown or expired. */
  async details(request: FastifyRequest, reply: FastifyReply): Promise<InteractionDetails | null> {
    const provider = await this.providers.provider();
    try {
      return await provider.interactionDetails(request.raw, reply.raw);
    } catch (error) {
      if (error instanceof errors.OIDCProviderError) return null;
      throw error;
    }
  }

  async clientName(details: InteractionDetails): Promise<string> {
    const provider = await this.providers.provider();
    const client = await provider.Client.find(String(details.params.client_id));
    return client?.clientName ?? 'an application';
  }

  /** Ends the login prompt: the provider session is this sign-in (its `amr`, `acr` and `auth_time`). */
  async finish(
    request: FastifyRequest,
    reply: FastifyReply,
    details: InteractionDetails,
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
          acr: acrOf(signedIn.amr),
          remember: true,
        },
        consent: { grantId },
      },
      false,
    );
  }

  /**
   * A second tool in a browser that already signed in at the provider: a grant for it, no page. Null when the
   * provider session's Aegis session has ended.
   */
  async consent(
    request: FastifyRequest,
    reply: FastifyReply,
    details: InteractionDetails,
    meta: RequestMeta,
  ): Promise<InteractionView | null> {
    const uid = details.session?.uid;
    const aegis = uid === undefined ? null : await this.links.liveAegisSessionOf(uid);
    if (!aegis || aegis.userId !== details.session?.accountId) return null;
    const grantId = await this.grantFor(details, aegis.userId, aegis.sessionId);
    await this.recordSignIn(details, aegis.userId, details.session?.amr ?? ['pwd'], meta);
    return this.resume(request, reply, { consent: { grantId } }, true);
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

  /**
   * A grant for what the client asked: the OpenID scopes Aegis knows, the claims it names in a `claims` parameter
   * (else the provider asks for consent again and again), and registered resources' scopes.
   */
  private async grantFor(
    details: InteractionDetails,
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
    const claims = claimsNamedIn(details.params.claims).filter((claim) => SERVED_CLAIMS.has(claim));
    if (claims.length > 0) grant.addOIDCClaims(claims);
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

  /** Names the account as well (one read per tool sign-in, not per request). */
  private async recordSignIn(
    details: InteractionDetails,
    userId: string,
    amr: string[],
    meta: RequestMeta,
  ) {
    const username = (await this.users.findById(userId))?.username ?? null;
    await this.audit.record({
      action: AuditAction.OidcSignIn,
      outcome: 'success',
      actorUserId: userId,
      actorUsername: username,
      targetUsername: username,
      resourceType: 'oidc_client',
      resourceId: String(details.params.client_id),
      details: { scopes: textParam(details.params.scope), amr: amr.join(' ') },
      meta,
    });
  }
}

/** A request parameter as the provider parsed it: text, or nothing. */
function textParam(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
