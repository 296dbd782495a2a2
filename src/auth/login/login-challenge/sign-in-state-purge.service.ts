import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { PeriodicTask } from '../../../common/periodic-task';
import { AppConfig } from '../../../config/app-config';
import { UnitOfWork } from '../../../database/unit-of-work';
import { LoginChallengesRepository } from './login-challenges.repository';
import { WebAuthnCeremoniesRepository } from '../../../mfa/webauthn-ceremonies.repository';

/**
 * On the session purge's timer: deletes what unfinished sign-ins leave behind, expired login challenges and
 * passkey ceremonies. Issuing a new one also
 * clears expired rows, but a password step nobody answers, or a flood of passwordless option requests followed
 * by silence, would otherwise leave its rows until the next sign-in.
 */
@Injectable()
export class SignInStatePurgeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task = new PeriodicTask('SignInStatePurge', () => this.purge());

  constructor(
    private readonly challenges: LoginChallengesRepository,
    private readonly ceremonies: WebAuthnCeremoniesRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.sessionPurgeIntervalMs);
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** One pass; returns how many rows of each kind it deleted. */
  purge(): Promise<{ challenges: number; ceremonies: number }> {
    const nowMs = this.clock.now().getTime();
    return this.unitOfWork.run(async () => ({
      challenges: await this.challenges.deleteExpiredBefore(nowMs),
      ceremonies: await this.ceremonies.deleteExpiredBefore(nowMs),
    }));
  }
}
