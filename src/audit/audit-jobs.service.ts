import { Injectable } from '@nestjs/common';
import { PeriodicJob } from '../jobs/periodic-job.decorator';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditRetentionService } from './audit-retention.service';

/**
 * The audit log's periodic work in a serving instance: signed checkpoints when AUDIT_HMAC_KEY is set, retention
 * when AUDIT_RETENTION_DAYS is (their timing: JOB_SCHEDULE). Both jobs are safe to run concurrently.
 */
@Injectable()
export class AuditJobs {
  constructor(
    private readonly checkpoints: AuditCheckpointService,
    private readonly retention: AuditRetentionService,
  ) {}

  @PeriodicJob('audit-checkpoint')
  checkpoint(): Promise<unknown> {
    return this.checkpoints.checkpoint();
  }

  @PeriodicJob('audit-retention')
  retain(): Promise<unknown> {
    return this.retention.purge();
  }
}
