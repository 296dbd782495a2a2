import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditSigner, type SignedPosition } from './audit-signer';
import { AuditVerificationService } from './audit-verification.service';
import { AuditRepository } from './audit.repository';
import { AuditCheckpoint } from './entities/audit-checkpoint.entity';

/**
 * Signs the head of the chain with AUDIT_HMAC_KEY (run periodically by AuditJobs). It checks the events since
 * the last checkpoint first, so it never vouches for a chain that is already broken; and it logs every
 * checkpoint, so a copy of the signed heads also lives outside the database.
 */
@Injectable()
export class AuditCheckpointService {
  private readonly logger = new Logger('AuditCheckpoint');

  constructor(
    private readonly repository: AuditRepository,
    private readonly verifier: AuditVerificationService,
    private readonly signer: AuditSigner,
    private readonly clock: Clock,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** The new checkpoint, or null: no key, nothing new since the last one, or a broken chain (logged). */
  async checkpoint(): Promise<AuditCheckpoint | null> {
    if (!this.signer.enabled) return null;
    const [last, anchor] = await Promise.all([
      this.repository.lastCheckpoint(),
      this.repository.anchor(),
    ]);
    let start: SignedPosition = anchor;
    if (last !== null && last.seq > anchor.seq) {
      const event = await this.repository.eventAt(last.seq);
      if (!this.signer.checkpointValid(last, last.mac) || event?.hash !== last.hash) {
        this.verifier.countBroken();
        return this.refuse(`the checkpoint at seq ${last.seq} no longer matches the chain`);
      }
      start = last;
    }
    const report =
      start === anchor ? await this.verifier.verify() : await this.verifier.verifyFrom(start);
    if (!report.ok) {
      return this.refuse(`seq ${report.firstBrokenSeq}: ${report.reason} (${report.detail})`);
    }
    if (report.lastSeq === null || report.lastHash === null || report.lastSeq <= start.seq) {
      return null;
    }

    const checkpoint = new AuditCheckpoint();
    checkpoint.seq = report.lastSeq;
    checkpoint.hash = report.lastHash;
    checkpoint.mac = this.signer.signCheckpoint(checkpoint)!;
    checkpoint.createdAt = this.clock.now();
    await this.unitOfWork.run(() => this.repository.insertCheckpoint(checkpoint));
    this.logger.log(
      `Audit checkpoint seq=${checkpoint.seq} hash=${checkpoint.hash} mac=${checkpoint.mac}`,
    );
    return checkpoint;
  }

  private refuse(why: string): null {
    this.logger.error(`Audit chain verification failed, no checkpoint signed: ${why}`);
    return null;
  }
}
