import { Module } from '@nestjs/common';
import { AuditCoreModule } from './audit-core.module';
import { AuditJobs } from './audit-jobs.service';
import { AuditController } from './audit.controller';

/** The audit log over HTTP, with its periodic checkpoints and retention. */
@Module({
  imports: [AuditCoreModule],
  controllers: [AuditController],
  providers: [AuditJobs],
  exports: [AuditCoreModule],
})
export class AuditModule {}
