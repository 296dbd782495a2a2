import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { UnitOfWork } from '../../database/unit-of-work';
import { PeriodicJob } from '../../jobs/periodic-job.decorator';
import { LoginLockoutRepository } from './login-lockout.repository';
import { LOCKOUT_CAP_MS } from './login-lockout.service';

/**
 * Counters are kept for names that match no account too (so a 429 never tells which accounts exist); without a
 * purge, spraying random usernames would grow the table forever. A counter idle for longer than the longest
 * backoff can no longer refuse anything, so it goes, on SESSION_PURGE_INTERVAL (see JOB_SCHEDULE).
 */
@Injectable()
export class LoginLockoutPurgeService {
  constructor(
    private readonly lockouts: LoginLockoutRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  @PeriodicJob('login-lockout-purge')
  purge(): Promise<number> {
    const cutoff = this.clock.now().getTime() - LOCKOUT_CAP_MS;
    return this.unitOfWork.run(() => this.lockouts.deleteIdleBefore(cutoff));
  }
}
