import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { PeriodicJob } from '../jobs/periodic-job.decorator';
import { SessionsService } from './sessions.service';

/**
 * Deletes the rows of ended sessions periodically, so the table does not grow without bound.
 * Ended rows are kept for a day first: a refresh token replayed shortly after its session ended is then
 * still recognised (and refused) as belonging to that session.
 */
@Injectable()
export class SessionPurgeService {
  static readonly KEEP_ENDED_MS = 24 * 3_600_000;

  constructor(
    private readonly sessions: SessionsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** One purge pass; returns how many rows were deleted. */
  @PeriodicJob('session-purge')
  purge(): Promise<number> {
    return this.unitOfWork.run(() => this.sessions.purgeEnded(SessionPurgeService.KEEP_ENDED_MS));
  }
}
