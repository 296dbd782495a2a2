import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { UnitOfWork } from '../../../database/unit-of-work';
import { PeriodicJob } from '../../../jobs/periodic-job.decorator';
import { LoginChallengesRepository } from './login-challenges.repository';
import { WebAuthnCeremoniesRepository } from '../../../mfa/webauthn-ceremonies.repository';

/**
 * On SESSION_PURGE_INTERVAL (see JOB_SCHEDULE): deletes what unfinished sign-ins leave behind, expired login
 * challenges and passkey ceremonies. Issuing a new one also
 * clears expired rows, but a password step nobody answers, or a flood of passwordless option requests followed
 * by silence, would otherwise leave its rows until the next sign-in.
 */
@Injectable()
export class SignInStatePurgeService {
  constructor(
    private readonly challenges: LoginChallengesRepository,
    private readonly ceremonies: WebAuthnCeremoniesRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** One pass; returns how many rows of each kind it deleted. */
  @PeriodicJob('sign-in-state-purge')
  purge(): Promise<{ challenges: number; ceremonies: number }> {
    const nowMs = this.clock.now().getTime();
    return this.unitOfWork.run(async () => ({
      challenges: await this.challenges.deleteExpiredBefore(nowMs),
      ceremonies: await this.ceremonies.deleteExpiredBefore(nowMs),
    }));
  }
}
