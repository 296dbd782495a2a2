import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditJobs } from './audit-jobs.service';
import { AuditQueryService } from './audit-query.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditSigner } from './audit-signer';
import { AuditVerificationService } from './audit-verification.service';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { RefusalAudit } from './refusal-audit.service';
import { AuditChainAnchor } from './entities/audit-chain-anchor.entity';
import { AuditCheckpoint } from './entities/audit-checkpoint.entity';
import { AuditEvent } from './entities/audit-event.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent, AuditChainAnchor, AuditCheckpoint])],
  controllers: [AuditController],
  providers: [
    RefusalAudit,
    AuditRepository,
    AuditService,
    AuditSigner,
    AuditVerificationService,
    AuditCheckpointService,
    AuditRetentionService,
    AuditQueryService,
    AuditJobs,
  ],
  exports: [AuditService, RefusalAudit],
})
export class AuditModule {}
