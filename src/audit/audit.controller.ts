import { Controller, Get, Logger, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
// The auth decorators are plain metadata functions: importing them creates no module dependency on auth.
import { Authenticated } from '../common/access/authenticated.decorator';
import { Role } from '../common/access/role';
import { auditNdjson } from './audit-ndjson';
import { AuditQueryService } from './audit-query.service';
import { AuditVerificationService } from './audit-verification.service';
import { AuditEventPageDto } from './dto/audit-event-page.dto';
import { AuditEventsQueryDto, DEFAULT_PAGE_SIZE } from './dto/audit-events-query.dto';
import { AuditVerificationDto } from './dto/audit-verification.dto';
import { TimeRangeQueryDto } from './dto/time-range-query.dto';
import { ReadOnly } from '../database/transaction-mode.decorator';

const exportLogger = new Logger('AuditExport');

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly verification: AuditVerificationService,
  ) {}

  @Get('events')
  @ReadOnly()
  @Authenticated({ roles: [Role.Admin] })
  @ApiOperation({
    summary:
      'Search audit events, newest first, with cursor pagination that new events never shift',
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  async searchAuditEvents(@Query() query: AuditEventsQueryDto): Promise<AuditEventPageDto> {
    const page = await this.query.search(query.toFilter(), query.limit ?? DEFAULT_PAGE_SIZE);
    return AuditEventPageDto.from(page);
  }

  @Get('events/export')
  @ReadOnly()
  @Authenticated({ roles: [Role.Admin] })
  @ApiOperation({
    summary: 'Stream audit events as NDJSON, oldest first (one AuditEventDto per line), for a SIEM',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'One JSON event per line', schema: { type: 'string' } })
  async exportAuditEvents(@Query() query: TimeRangeQueryDto): Promise<StreamableFile> {
    const batches = await this.query.export(query.toRange());
    return new StreamableFile(auditNdjson(batches), {
      type: 'application/x-ndjson; charset=utf-8',
      disposition: 'attachment; filename="audit-events.ndjson"',
    }).setErrorLogger((error) =>
      exportLogger.error(
        'Audit export failed mid-stream',
        error instanceof Error ? error.stack : String(error),
      ),
    );
  }

  @Get('verify')
  @ReadOnly()
  @Authenticated({ roles: [Role.Admin] })
  @ApiOperation({
    summary: 'Walk the audit hash chain (and signed checkpoints) and report the first break',
  })
  @ApiOkResponse({ type: AuditVerificationDto })
  async verifyAuditChain(): Promise<AuditVerificationDto> {
    return AuditVerificationDto.from(await this.verification.verify());
  }
}
