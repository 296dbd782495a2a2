import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { OidcPayloadRepository } from './oidc-payload.repository';
import { OidcProviderService } from './oidc-provider.service';
import { ProviderSessionEnder } from './provider-session-ender.service';
import { SessionLinksRepository } from './session-links.repository';
import { SigningKeysService } from './signing-keys.service';

/** Ended links are kept a day, like ended sessions, then deleted with nothing left that refers to them. */
const KEEP_ENDED_LINKS_MS = 24 * 3_600_000;

/**
 * On the session purge's timer: ends the provider side of Aegis sessions that expired (no one revoked them, so
 * no notice came), deletes expired provider rows, ended links and retired keys whose tokens have expired, and
 * picks up a key rotation made by the CLI.
 */
@Injectable()
export class OidcMaintenanceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task = new PeriodicTask('OidcMaintenance', () => this.runOnce());

  constructor(
    private readonly ender: ProviderSessionEnder,
    private readonly payloads: OidcPayloadRepository,
    private readonly links: SessionLinksRepository,
    private readonly keys: SigningKeysService,
    private readonly providers: OidcProviderService,
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

  /** One pass; returns what it did, for tests and logs. */
  async runOnce(): Promise<{ ended: number; purged: number }> {
    const ended = await this.ender.endFor('all');
    const now = this.clock.now();
    const purged = await this.payloads.purgeExpired(now);
    await this.links.purgeEndedBefore(new Date(now.getTime() - KEEP_ENDED_LINKS_MS));
    await this.unitOfWork.run(() => this.keys.purgeRetired());
    await this.providers.reloadIfKeysChanged();
    return { ended, purged };
  }
}
