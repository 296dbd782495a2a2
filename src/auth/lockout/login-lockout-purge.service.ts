import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { PeriodicTask } from '../../common/periodic-task';
import { AppConfig } from '../../config/app-config';
import { UnitOfWork } from '../../database/unit-of-work';
import { LoginLockoutRepository } from './login-lockout.repository';
import { LOCKOUT_CAP_MS } from './login-lockout.service';

/**
 * Counters are kept for names that match no account too (so a 429 never tells which accounts exist); without a
 * purge, spraying random usernames would grow the table forever. A counter idle for longer than the longest
 * backoff can no longer refuse anything, so it goes, on the session purge's schedule.
 */
@Injectable()
export class LoginLockoutPurgeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task = new PeriodicTask('LoginLockoutPurge', () => this.purge());

  constructor(
    private readonly lockouts: LoginLockoutRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.sessionPurgeIntervalMs);
  }

  /** Before the database closes: a purge in progress finishes first. */
  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  purge(): Promise<number> {
    const cutoff = this.clock.now().getTime() - LOCKOUT_CAP_MS;
    return this.unitOfWork.run(() => this.lockouts.deleteIdleBefore(cutoff));
  }
}
