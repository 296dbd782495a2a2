import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import type { AuditTimeRange } from '../audit.repository';
import { INSTANT_MESSAGE, INSTANT_PATTERN, toInstant } from './instant';

/** `from` (inclusive) and `to` (exclusive) on the time an event occurred, ISO 8601. */
export class TimeRangeQueryDto {
  @ApiPropertyOptional({
    description: 'Events at or after this instant (ISO 8601; without an offset: UTC).',
    example: '2025-06-01T00:00:00Z',
  })
  @IsOptional()
  @Matches(INSTANT_PATTERN, { message: INSTANT_MESSAGE })
  @IsISO8601({ strict: true }, { message: INSTANT_MESSAGE })
  from?: string;

  @ApiPropertyOptional({
    description: 'Events before this instant (exclusive; ISO 8601; without an offset: UTC).',
    example: '2025-07-01T00:00:00Z',
  })
  @IsOptional()
  @Matches(INSTANT_PATTERN, { message: INSTANT_MESSAGE })
  @IsISO8601({ strict: true }, { message: INSTANT_MESSAGE })
  to?: string;

  toRange(): AuditTimeRange {
    return {
      from: this.from === undefined ? undefined : toInstant(this.from),
      to: this.to === undefined ? undefined : toInstant(this.to),
    };
  }
}
