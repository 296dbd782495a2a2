import { ApiProperty } from '@nestjs/swagger';
import type { AuditPage } from '../audit-query.service';
import { AuditEventDto } from './audit-event.dto';

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto], description: 'Newest first.' })
  items!: AuditEventDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
    example: '1001',
  })
  next_cursor!: string | null;

  static from(page: AuditPage): AuditEventPageDto {
    return {
      items: page.events.map((event) => AuditEventDto.from(event)),
      next_cursor: page.nextCursor === null ? null : String(page.nextCursor),
    };
  }
}
