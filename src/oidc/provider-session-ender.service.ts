import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import type { EndedSessions } from '../events/app-events';
import { OnAppEvent } from '../events/on-app-event.decorator';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import type { OidcSessionLink } from './entities/oidc-session-link.entity';
import { OidcPayloadRepository } from './oidc-payload.repository';
import { OidcProviderService, type ProviderMiddleware } from './oidc-provider.service';
import { SessionLinksRepository } from './session-links.repository';
import { SessionLinksService } from './session-links.service';
import { revocationAudit } from './revocation-audit';
import { GRANT_BOUND_MODELS } from './typeorm-adapter';

interface BackchannelClient {
  backchannelLogout(sub: string, sid: string | undefined): Promise<void>;
}

/**
 * Ending an Aegis session ends the provider's side too: the grants tied to it and their tokens are deleted,
 * the provider session goes once nothing live is left in it, and every client that registered a back-channel
 * logout URI gets a logout token. Runs on the `session.ended` event (logout, logout-all, password change,
 * admin disable/reset) and on a sweep (expiry). The other way round, an RP-initiated logout ends the Aegis
 * session behind the provider session.
 */
@Injectable()
export class ProviderSessionEnder implements OnModuleInit {
  private readonly logger = new Logger(ProviderSessionEnder.name);

  constructor(
    private readonly links: SessionLinksRepository,
    private readonly liveness: SessionLinksService,
    private readonly providers: OidcProviderService,
    private readonly payloads: OidcPayloadRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.providers.use(this.rpInitiatedLogout);
    this.providers.use(revocationAudit(this.audit, this.unitOfWork));
  }

  /** Published once the revocation committed: the grants' liveness checks then see the sessions ended. */
  @OnAppEvent('session.ended')
  async sessionsEnded(ended: EndedSessions): Promise<void> {
    await this.endFor(ended);
  }

  /** Ends the provider side of every ended Aegis session among `scope`; returns how many grants ended. */
  async endFor(scope: EndedSessions | 'all'): Promise<number> {
    const open = await this.links.findOpen(
      scope === 'all' ? 'all' : 'userId' in scope ? scope : { aegisSessionIds: scope.sessionIds },
    );
    const ended: OidcSessionLink[] = [];
    for (const link of open) {
      if (await this.liveness.isGrantLive(link.grantId)) continue;
      if (!(await this.links.markEnded(link.grantId, this.clock.now()))) continue;
      await this.payloads.destroyByGrant(GRANT_BOUND_MODELS, link.grantId);
      ended.push(link);
    }
    const byProviderSession = new Map<string, OidcSessionLink[]>();
    for (const link of ended) {
      if (link.providerSessionUid === null) continue;
      byProviderSession.set(link.providerSessionUid, [
        ...(byProviderSession.get(link.providerSessionUid) ?? []),
        link,
      ]);
    }
    for (const [uid, links] of byProviderSession) await this.endProviderSession(uid, links);
    return ended.length;
  }

  private async endProviderSession(uid: string, ended: OidcSessionLink[]): Promise<void> {
    const provider = await this.providers.provider();
    const session = await provider.Session.findByUid(uid);
    const userId = ended[0].userId;
    const notified: string[] = [];
    for (const link of ended) {
      const client = await provider.Client.find(link.clientId);
      const sid = session?.sidFor(link.clientId);
      if (!client?.backchannelLogoutUri) continue;
      try {
        // Present at run time on every client (the type definitions omit it): signs and POSTs the logout token.
        await (client as unknown as BackchannelClient).backchannelLogout(userId, sid);
        notified.push(link.clientId);
      } catch (error) {
        this.logger.warn(
          `Back-channel logout to client ${link.clientId} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    // A browser that signed in again meanwhile keeps its provider session (its new grants are live).
    const stillLive = (await this.liveness.liveAegisSessionOf(uid)) !== null;
    if (session && !stillLive) await this.payloads.destroySessionByUid(uid);
    await this.unitOfWork.run(() =>
      this.audit.record({
        action: AuditAction.OidcLogout,
        outcome: 'success',
        actorUserId: userId,
        resourceType: 'oidc_session',
        resourceId: uid,
        details: {
          reason: 'aegis_session_ended',
          clients: ended.map((link) => link.clientId).join(' '),
          backchannel_notified: notified.join(' '),
        },
      }),
    );
  }

  /** After the provider's logout confirmation: the Aegis session(s) behind the ended provider session end too. */
  private readonly rpInitiatedLogout: ProviderMiddleware = async (ctx, next) => {
    const uidBefore =
      ctx.path === '/session/end/confirm' && ctx.method === 'POST'
        ? await this.sessionUid(ctx)
        : undefined;
    await next();
    if (uidBefore === undefined || ctx.status !== 303) return;
    const open = await this.links.findOpenByProviderSession(uidBefore);
    const aegisSessions = [...new Set(open.map((link) => link.aegisSessionId))];
    if (aegisSessions.length === 0) return;
    await this.unitOfWork.run(async () => {
      for (const sessionId of aegisSessions)
        await this.sessions.revoke(sessionId, SessionRevocationReason.Logout);
      await this.audit.record({
        action: AuditAction.OidcLogout,
        outcome: 'success',
        actorUserId: open[0].userId,
        resourceType: 'oidc_session',
        resourceId: uidBefore,
        details: { reason: 'rp_initiated', client_id: ctx.oidc.client?.clientId ?? null },
        meta: {
          ip: ctx.ip,
          userAgent: ctx.get('user-agent') || null,
          requestId: String(ctx.res.getHeader('x-request-id') ?? ''),
        },
      });
    });
  };

  private async sessionUid(ctx: Parameters<ProviderMiddleware>[0]): Promise<string | undefined> {
    const provider = await this.providers.provider();
    const cookie = ctx.cookies.get(provider.cookieName('session'), { signed: true });
    if (!cookie) return undefined;
    const session = await provider.Session.find(cookie);
    return session?.uid;
  }
}
