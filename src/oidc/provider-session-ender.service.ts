import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
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
import {
  deliverWithRetries,
  RETRY_DELAYS_MS,
  type DeliveryOutcome,
} from './logout/backchannel-delivery';
import { revocationAudit } from './revocation-audit';
import { GRANT_BOUND_MODELS } from './typeorm-adapter';

interface BackchannelClient {
  backchannelLogout(sub: string, sid: string | undefined): Promise<void>;
}

/**
 * Ending an Aegis session ends the provider's side too: the grants tied to it and their tokens are deleted,
 * the provider session goes once nothing live is left in it, and every client that registered a back-channel
 * logout URI gets a logout token. Runs on the `session.ended` event (logout, logout-all, password change,
 * admin disable/reset) and on a sweep (sessions ended by another process, or expired). The other way round, an
 * RP-initiated logout ends the Aegis session behind the provider session.
 *
 * Back-channel logout tokens go out to every client at once, each retried while its tool is briefly unreachable
 * (see deliverWithRetries); the audit row says, per client, whether it was delivered.
 */
@Injectable()
export class ProviderSessionEnder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProviderSessionEnder.name);
  /** Aborted at shutdown: deliveries waiting to retry give up and report their last failure. */
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The waits between delivery attempts (the unit specs shorten them). */
  retryDelays: readonly number[] = RETRY_DELAYS_MS;

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

  /** Deliveries in progress finish their current attempt (bounded by its timeout) before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Published once the revocation committed: the grants' liveness checks then see the sessions ended. */
  @OnAppEvent('session.ended')
  async sessionsEnded(ended: EndedSessions): Promise<void> {
    await this.endFor(ended);
  }

  /** Ends the provider side of every ended Aegis session among `scope`; returns how many grants ended. */
  async endFor(scope: EndedSessions | 'all'): Promise<number> {
    const { ended, notified } = await this.begin(scope);
    await notified;
    return ended;
  }

  /**
   * Ends the grants at once (their tokens stop working) and returns how many; the provider sessions, logout
   * tokens and audit rows follow in `notified`, which a caller that must not wait on slow tools leaves running.
   */
  async begin(scope: EndedSessions | 'all'): Promise<{ ended: number; notified: Promise<void> }> {
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
    const notified = Promise.all(
      [...byProviderSession].map(([uid, links]) => this.endProviderSession(uid, links)),
    ).then(() => undefined);
    return { ended: ended.length, notified };
  }

  private async endProviderSession(uid: string, ended: OidcSessionLink[]): Promise<void> {
    const work = this.endAndNotify(uid, ended);
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async endAndNotify(uid: string, ended: OidcSessionLink[]): Promise<void> {
    const provider = await this.providers.provider();
    const session = await provider.Session.findByUid(uid);
    const userId = ended[0].userId;
    const outcomes = new Map<string, DeliveryOutcome>();
    await Promise.all(
      ended.map(async (link) => {
        const client = await provider.Client.find(link.clientId);
        if (!client?.backchannelLogoutUri) return;
        const sid = session?.sidFor(link.clientId);
        // Present at run time on every client (the type definitions omit it): signs and POSTs a logout token.
        const send = () => (client as unknown as BackchannelClient).backchannelLogout(userId, sid);
        const outcome = await deliverWithRetries(send, this.retryDelays, this.stopping.signal);
        outcomes.set(link.clientId, outcome);
        if (!outcome.delivered)
          this.logger.warn(
            `Back-channel logout to client ${link.clientId} failed after ${outcome.attempts} attempt(s): ${outcome.error}`,
          );
      }),
    );
    // A browser that signed in again meanwhile keeps its provider session (its new grants are live).
    const stillLive = (await this.liveness.liveAegisSessionOf(uid)) !== null;
    if (session && !stillLive) await this.payloads.destroySessionByUid(uid);
    // In the order of `ended`, whatever order the deliveries finished in.
    const delivered = ended.filter((link) => outcomes.get(link.clientId)?.delivered === true);
    const failed = ended.flatMap((link) => {
      const outcome = outcomes.get(link.clientId);
      return outcome === undefined || outcome.delivered
        ? []
        : [`${link.clientId}: ${outcome.error} after ${outcome.attempts} attempt(s)`];
    });
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
          backchannel_notified: delivered.map((link) => link.clientId).join(' '),
          backchannel_failed: failed.join('; '),
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
