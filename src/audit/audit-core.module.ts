import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditQueryService } from './audit-query.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditSigner } from './audit-signer';
import { AuditVerificationService } from './audit-verification.service';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditChainAnchor } from './entities/audit-chain-anchor.entity';
import { AuditCheckpoint } from './entities/audit-checkpoint.entity';
import { AuditEvent } from './entities/audit-event.entity';
import { RefusalAudit } from './refusal-audit.service';

/** The audit log's state and services, without routes or jobs: imported by the HTTP app and by the CLI. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent, AuditChainAnchor, AuditCheckpoint])],
  providers: [
    RefusalAudit,
    AuditRepository,
    AuditService,
    AuditSigner,
    AuditVerificationService,
    AuditCheckpointService,
    AuditRetentionService,
    AuditQueryService,
  ],
  exports: [
    RefusalAudit,
    AuditService,
    AuditVerificationService,
    AuditCheckpointService,
    AuditRetentionService,
    AuditQueryService,
  ],
})
export class AuditCoreModule {}
