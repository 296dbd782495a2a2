import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../database/unit-of-work';
import { AuthMetrics } from '../../metrics/auth-metrics';
import { isSessionLiveAt } from '../entities/session.entity';
import { SessionPrincipalRepository, type SessionPrincipal } from '../session-principal.repository';
import { PrincipalCache } from './principal-cache';
import { PrincipalCacheFeed } from './principal-cache-feed';
import { SessionUseRecorder } from '../session-use/session-use-recorder';

const accepts = (found: SessionPrincipal, userId: string, now: Date): boolean =>
  isSessionLiveAt(found.session, now) && found.user.id === userId && found.user.isActive;

/**
 * The principal check of every authenticated request: the session is live at `now`, belongs to `userId`,
 * and its user is active. The row comes from the principal cache when it can; only an acceptance is ever
 * decided from memory — an entry that would refuse is read again, so a change the cache did not hear about
 * that extends a session (a refresh pushing its idle expiry, on any instance) never refuses wrongly. Inside a
 * unit of work the cache is not used at all: the transaction may hold uncommitted writes. Each acceptance is
 * reported to SessionUseRecorder, which writes `last_used_at` later, in batches.
 */
@Injectable()
export class LivePrincipals {
  constructor(
    private readonly cache: PrincipalCache,
    private readonly feed: PrincipalCacheFeed,
    private readonly principals: SessionPrincipalRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly metrics: AuthMetrics,
    private readonly uses: SessionUseRecorder,
  ) {}

  async find(sessionId: string, userId: string, now: Date): Promise<SessionPrincipal | null> {
    const cacheable = !this.unitOfWork.isActive();
    if (cacheable) {
      this.feed.sync();
      const cached = this.cache.get(sessionId);
      if (cached !== undefined && accepts(cached, userId, now)) {
        this.metrics.principalLookedUp('hit');
        this.uses.seen(sessionId, now);
        return cached;
      }
    }
    this.metrics.principalLookedUp(cacheable && this.cache.serving ? 'miss' : 'bypass');
    const ticket = this.cache.ticket();
    const found = await this.principals.findBySessionId(sessionId);
    if (found === null) return null;
    if (cacheable) this.cache.store(ticket, found);
    if (!accepts(found, userId, now)) return null;
    this.uses.seen(sessionId, now);
    return found;
  }
}
