import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditRetentionService } from './audit-retention.service';

const RETENTION_INTERVAL_MS = 3_600_000;
/** The first purge soon after start, so instances restarted more often than hourly still purge. */
const FIRST_RETENTION_DELAY_MS = 60_000;

/**
 * The audit log's periodic work: signed checkpoints when AUDIT_HMAC_KEY is set, retention when
 * AUDIT_RETENTION_DAYS is. Shutdown waits for a run in progress before the database closes. Every instance runs
 * them; both jobs are safe to run concurrently.
 */
@Injectable()
export class AuditJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditJobs');
  private readonly checkpointTask = new PeriodicTask(
    'Audit checkpoint job',
    () => this.checkpoints.checkpoint(),
    this.logger,
  );
  private readonly retentionTask = new PeriodicTask(
    'Audit retention job',
    () => this.retention.purge(),
    this.logger,
  );

  constructor(
    private readonly config: AppConfig,
    private readonly checkpoints: AuditCheckpointService,
    private readonly retention: AuditRetentionService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.audit.hmacKey !== undefined)
      this.checkpointTask.start(this.config.audit.checkpointIntervalMs);
    if (this.config.audit.retentionDays !== undefined)
      this.retentionTask.start(RETENTION_INTERVAL_MS, {
        firstRunAfterMs: FIRST_RETENTION_DELAY_MS,
      });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.checkpointTask.stop(), this.retentionTask.stop()]);
  }
}
