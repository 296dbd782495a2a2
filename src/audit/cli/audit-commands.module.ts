import { Module } from '@nestjs/common';
import { AuditCoreModule } from '../audit-core.module';
import { AuditExportCommand } from './audit-export.command';
import { AuditVerifyCommand } from './audit-verify.command';

@Module({ imports: [AuditCoreModule], providers: [AuditVerifyCommand, AuditExportCommand] })
export class AuditCommandsModule {}
