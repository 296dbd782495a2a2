import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { SessionsService } from './sessions.service';

/**
 * Deletes the rows of ended sessions periodically, so the table does not grow without bound.
 * Ended rows are kept for a day first: a refresh token replayed shortly after its session ended is then
 * still recognised (and refused) as belonging to that session.
 */
@Injectable()
export class SessionPurgeService implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly KEEP_ENDED_MS = 24 * 3_600_000;
  private readonly logger = new Logger(SessionPurgeService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.sessionPurgeIntervalMs === 0) return;
    this.timer = setInterval(
      () => void this.purge().catch((error: unknown) => this.logFailure(error)),
      this.config.sessionPurgeIntervalMs,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One purge pass; returns how many rows were deleted. */
  purge(): Promise<number> {
    return this.unitOfWork.run(() => this.sessions.purgeEnded(SessionPurgeService.KEEP_ENDED_MS));
  }

  private logFailure(error: unknown): void {
    this.logger.warn(
      `Session purge failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
