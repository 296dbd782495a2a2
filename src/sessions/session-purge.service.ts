import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { SessionsService } from './sessions.service';

/**
 * Deletes the rows of ended sessions periodically, so the table does not grow without bound.
 * Ended rows are kept for a day first: a refresh token replayed shortly after its session ended is then
 * still recognised (and refused) as belonging to that session.
 */
@Injectable()
export class SessionPurgeService implements OnApplicationBootstrap, OnModuleDestroy {
  static readonly KEEP_ENDED_MS = 24 * 3_600_000;
  private readonly task = new PeriodicTask('SessionPurge', () => this.purge());

  constructor(
    private readonly sessions: SessionsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.sessionPurgeIntervalMs);
  }

  /** Before the database closes: a purge in progress finishes first. */
  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** One purge pass; returns how many rows were deleted. */
  purge(): Promise<number> {
    return this.unitOfWork.run(() => this.sessions.purgeEnded(SessionPurgeService.KEEP_ENDED_MS));
  }
}
