import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditAction } from './audit-action';
import { AuditSigner } from './audit-signer';
import { AuditService } from './audit.service';
import { AuditRepository } from './audit.repository';

/** Events examined (and at most deleted) per transaction: short transactions, flat memory. */
const BATCH = 1_000;
const DAY_MS = 86_400_000;

export interface PurgeResult {
  purged: number;
  /** The new anchor: the last purged event. */
  throughSeq: number | null;
}

/**
 * AUDIT_RETENTION_DAYS: deletes the oldest events once they are older than that, always a prefix of the chain,
 * so the rest stays verifiable from the anchor (the last purged event's position and hash, signed when
 * AUDIT_HMAC_KEY is set). Each purge is itself audited (AUDIT_PURGED). Unset: nothing is ever deleted.
 */
@Injectable()
export class AuditRetentionService {
  private readonly logger = new Logger('AuditRetention');

  constructor(
    private readonly config: AppConfig,
    private readonly repository: AuditRepository,
    private readonly signer: AuditSigner,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async purge(): Promise<PurgeResult> {
    const days = this.config.audit.retentionDays;
    if (days === undefined) return { purged: 0, throughSeq: null };
    const cutoff = new Date(this.clock.now().getTime() - days * DAY_MS);
    let purged = 0;
    let throughSeq: number | null = null;
    for (;;) {
      const batch = await this.unitOfWork.run(async () => {
        const oldest = await this.repository.oldestPositions(BATCH);
        // A prefix only: an old event behind a newer one (clocks of two instances) waits for the next run.
        const expired = oldest.findIndex((position) => position.occurredAt >= cutoff);
        const count = expired === -1 ? oldest.length : expired;
        if (count === 0) return undefined;
        const through = oldest[count - 1];
        const position = { seq: through.seq, hash: through.hash };
        const deleted = await this.repository.purgeThrough(
          position,
          this.signer.signAnchor(position),
          cutoff,
          this.clock.now(),
        );
        return { deleted, throughSeq: through.seq, more: count === oldest.length };
      });
      // Nothing deleted: another instance moved the anchor first and is purging; leave it the rest.
      if (batch === undefined || batch.deleted === 0) break;
      purged += batch.deleted;
      throughSeq = batch.throughSeq;
      if (!batch.more) break;
    }
    if (purged > 0 && throughSeq !== null) {
      await this.audit.record({
        action: AuditAction.AuditPurged,
        outcome: 'success',
        resourceType: 'audit_log',
        details: { purged, through_seq: throughSeq, before: cutoff.toISOString(), days },
      });
      this.logger.log(
        `Purged ${purged} audit events through seq ${throughSeq} (older than ${days} days)`,
      );
    }
    return { purged, throughSeq };
  }
}
