import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { isSessionLiveAt, SessionRevocationReason } from '../sessions/entities/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { OidcSessionLink } from './entities/oidc-session-link.entity';
import { SessionLinksRepository } from './session-links.repository';

/**
 * One session, every tool: each provider grant is tied to the Aegis session it was signed in with, and is
 * usable only while that session is live and its user active (checked on every use of the grant: token,
 * refresh, userinfo, introspection).
 */
@Injectable()
export class SessionLinksService {
  constructor(
    private readonly links: SessionLinksRepository,
    private readonly sessions: SessionsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  link(grantId: string, clientId: string, userId: string, aegisSessionId: string): Promise<void> {
    return this.links.insert(
      Object.assign(new OidcSessionLink(), {
        grantId,
        clientId,
        userId,
        aegisSessionId,
        providerSessionUid: null,
        createdAt: this.clock.now(),
        endedAt: null,
      }),
    );
  }

  /** Grants made by Aegis always have a link; one without (none is created otherwise) is refused. */
  async isGrantLive(grantId: string): Promise<boolean> {
    const link = await this.links.findByGrant(grantId);
    return link !== null && link.endedAt === null && (await this.isAegisSessionLive(link));
  }

  /** The live Aegis session behind a provider browser session, if any. */
  async liveAegisSessionOf(
    providerSessionUid: string,
  ): Promise<{ sessionId: string; userId: string } | null> {
    for (const link of await this.links.findOpenByProviderSession(providerSessionUid)) {
      if (await this.isAegisSessionLive(link))
        return { sessionId: link.aegisSessionId, userId: link.userId };
    }
    return null;
  }

  /**
   * The hosted sign-in opened `toSessionId` in a browser that held `fromSessionId` of the same user (a step-up,
   * or `prompt=login`): the browser's cookies now name the newer session only, so the tools signed in with the
   * older one move to the newer (logging out of it ends them all), and the older one ends.
   */
  async handOver(fromSessionId: string, toSessionId: string, userId: string): Promise<void> {
    await this.links.moveOpen(fromSessionId, toSessionId, userId);
    await this.sessions.revoke(fromSessionId, SessionRevocationReason.Replaced);
  }

  recordProviderSession(grantId: string, uid: string): Promise<void> {
    return this.links.setProviderSession(grantId, uid);
  }

  private isAegisSessionLive(link: OidcSessionLink): Promise<boolean> {
    return this.unitOfWork.join(async () => {
      const found = await this.sessions.findPrincipal(link.aegisSessionId);
      return (
        found !== null &&
        found.user.id === link.userId &&
        found.user.isActive &&
        isSessionLiveAt(found.session, this.clock.now())
      );
    });
  }
}
