import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { PeriodicJob } from '../../jobs/periodic-job.decorator';
import { ProviderSessionEnder } from '../provider-session-ender.service';
import { SessionLinksRepository } from '../session-links.repository';

/**
 * Logs the tools out of Aegis sessions that ended where no `session.ended` notice reaches this instance: ended by
 * the CLI (another process), on another instance that stopped before it finished, or expired. Every
 * OIDC_LOGOUT_SWEEP_INTERVAL (seconds, see JOB_SCHEDULE), one query; each grant is ended by exactly one instance
 * (the link is marked ended first). Logout tokens go out in the background, so a tool that is down and being
 * retried never delays the next sweep.
 */
@Injectable()
export class EndedSessionSweep {
  private readonly logger = new Logger(EndedSessionSweep.name);

  constructor(
    private readonly links: SessionLinksRepository,
    private readonly ender: ProviderSessionEnder,
    private readonly clock: Clock,
  ) {}

  /** One pass; returns how many grants it ended. */
  @PeriodicJob('oidc-logout-sweep')
  async runOnce(): Promise<number> {
    const sessionIds = await this.links.findEndedAegisSessions(this.clock.now());
    if (sessionIds.length === 0) return 0;
    const { ended, notified } = await this.ender.begin({ sessionIds });
    notified.catch((error: unknown) =>
      this.logger.error(
        `Ending the provider side of ${sessionIds.length} session(s) failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    return ended;
  }
}
