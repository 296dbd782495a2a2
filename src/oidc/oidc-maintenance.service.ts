import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { PeriodicJob } from '../jobs/periodic-job.decorator';
import { SigningKeyStore } from '../signing-keys/signing-key-store.service';
import { OidcPayloadRepository } from './oidc-payload.repository';
import { OidcProviderService } from './oidc-provider.service';
import { ProviderSessionEnder } from './provider-session-ender.service';
import { SessionLinksRepository } from './session-links.repository';

/** Ended links are kept a day, like ended sessions, then deleted with nothing left that refers to them. */
const KEEP_ENDED_LINKS_MS = 24 * 3_600_000;

/**
 * On SESSION_PURGE_INTERVAL (see JOB_SCHEDULE): ends the provider side of Aegis sessions that expired (no one revoked them, so
 * no notice came), deletes expired provider rows, ended links and retired signing keys (of both purposes) whose
 * tokens have expired, and picks up a key rotation made by the CLI.
 */
@Injectable()
export class OidcMaintenanceService {
  constructor(
    private readonly ender: ProviderSessionEnder,
    private readonly payloads: OidcPayloadRepository,
    private readonly links: SessionLinksRepository,
    private readonly keys: SigningKeyStore,
    private readonly providers: OidcProviderService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** One pass; returns what it did, for tests and logs. */
  @PeriodicJob('oidc-maintenance')
  async runOnce(): Promise<{ ended: number; purged: number }> {
    const ended = await this.ender.endFor('all');
    const now = this.clock.now();
    const purged = await this.payloads.purgeExpired(now);
    await this.links.purgeEndedBefore(new Date(now.getTime() - KEEP_ENDED_LINKS_MS));
    await this.unitOfWork.run(() => this.keys.purgeExpired());
    await this.providers.reloadIfKeysChanged();
    return { ended, purged };
  }
}
