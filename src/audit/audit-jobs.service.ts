import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditRetentionService } from './audit-retention.service';

const RETENTION_INTERVAL_MS = 3_600_000;
/** The first purge soon after start, so instances restarted more often than hourly still purge. */
const FIRST_RETENTION_DELAY_MS = 60_000;

/**
 * The audit log's periodic work, on plain timers (no scheduler dependency): signed checkpoints when
 * AUDIT_HMAC_KEY is set, retention when AUDIT_RETENTION_DAYS is. Timers are unref'd (they never keep a
 * process alive), a run never overlaps the previous one, and shutdown waits for a run in progress before the
 * database closes. Every instance runs them; both jobs are safe to run concurrently.
 */
@Injectable()
export class AuditJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditJobs');
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly checkpoints: AuditCheckpointService,
    private readonly retention: AuditRetentionService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.audit.hmacKey !== undefined) {
      this.every(this.config.audit.checkpointIntervalMs, 'checkpoint', () =>
        this.checkpoints.checkpoint(),
      );
    }
    if (this.config.audit.retentionDays !== undefined) {
      const purge = this.every(RETENTION_INTERVAL_MS, 'retention', () => this.retention.purge());
      const first = setTimeout(purge, FIRST_RETENTION_DELAY_MS);
      first.unref();
      this.timers.push(first);
    }
  }

  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
    await Promise.all([...this.running]);
  }

  /** Schedules `job` every `intervalMs`; returns the trigger, which skips a run while one is in progress. */
  private every(intervalMs: number, name: string, job: () => Promise<unknown>): () => void {
    let busy = false;
    const trigger = () => {
      if (busy) return;
      busy = true;
      const run = job()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.error(
            `Audit ${name} job failed`,
            error instanceof Error ? error.stack : String(error),
          ),
        )
        .finally(() => {
          busy = false;
          this.running.delete(run);
        });
      this.running.add(run);
    };
    const timer = setInterval(trigger, intervalMs);
    timer.unref();
    this.timers.push(timer);
    return trigger;
  }
}
