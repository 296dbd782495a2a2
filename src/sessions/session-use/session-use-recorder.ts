import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { UnitOfWork } from '../../database/unit-of-work';
import { PeriodicJob } from '../../jobs/periodic-job.decorator';
import { SessionsService } from '../sessions.service';

/**
 * When each session was last used, kept in memory and written by a periodic job: every authenticated request
 * reports its session here, and one batched UPDATE per interval (SESSION_USE_FLUSH in the job schedule) writes
 * the latest use of each session seen since. A request never writes, and a session is written at most once per
 * interval however busy it is. What an instance has not flushed when it stops is written on shutdown; what a
 * crashed instance held is lost (at most one interval of a value that is informative only).
 */
@Injectable()
export class SessionUseRecorder implements OnModuleDestroy {
  private pending = new Map<string, Date>();

  constructor(
    private readonly sessions: SessionsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** The session answered a request at `at` (the app's clock). */
  seen(sessionId: string, at: Date): void {
    const known = this.pending.get(sessionId);
    if (known === undefined || known < at) this.pending.set(sessionId, at);
  }

  /** Writes what was seen since the last flush; returns how many sessions were written. */
  @PeriodicJob('session-use-flush')
  async flush(): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    try {
      return await this.unitOfWork.run(() =>
        this.sessions.recordUse([...batch].map(([id, at]) => ({ id, at }))),
      );
    } catch (error) {
      // Kept for the next run, unless a later use has been seen meanwhile.
      for (const [id, at] of batch) this.seen(id, at);
      throw error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}
