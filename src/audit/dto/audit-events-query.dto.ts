import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { NoControlCharacters } from '../../common/http/no-control-characters';
import { foldText } from '../../common/text/fold-text';
import { AuditAction } from '../audit-action';
import type { AuditSearchFilter } from '../audit.repository';
import type { AuditOutcome } from '../entities/audit-event.entity';
import { TimeRangeQueryDto } from './time-range-query.dto';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** Filters and cursor of GET /audit/events. Every filter narrows the result (AND). */
export class AuditEventsQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ description: 'The acting user id.', format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  actor?: string;

  @ApiPropertyOptional({
    description:
      'The acting user by name as it was when the event happened (exact; compared case-insensitively, like usernames)',
    example: 'admin',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @NoControlCharacters()
  actor_username?: string;

  @ApiPropertyOptional({
    description: 'The account the event is about, by name as it was then (exact, case-insensitive)',
    example: 'alice',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @NoControlCharacters()
  target_username?: string;

  @ApiPropertyOptional({ enum: AuditAction, enumName: 'AuditAction' })
  @IsOptional()
  @IsEnum(AuditAction)
  action?: AuditAction;

  @ApiPropertyOptional({
    description: 'What the event is about (`auth`, `session`, `user`, `audit_log`…).',
    example: 'user',
  })
  @ValidateIf(
    (query: AuditEventsQueryDto) =>
      query.resource_id !== undefined || query.resource_type !== undefined,
  )
  @IsString({ message: 'resource_type is required with resource_id' })
  @Length(1, 64)
  @NoControlCharacters()
  resource_type?: string;

  @ApiPropertyOptional({ description: 'The resource id; requires `resource_type`.' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @NoControlCharacters()
  resource_id?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure'] })
  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: AuditOutcome;

  @ApiPropertyOptional({
    description: '`next_cursor` of the previous page: continues with older events.',
    example: '1042',
  })
  @IsOptional()
  @Matches(/^[1-9]\d{0,15}$/, {
    message: 'cursor must be a next_cursor value from a previous page',
  })
  cursor?: string;

  @ApiPropertyOptional({
    description: `Events per page, 1–${MAX_PAGE_SIZE}.`,
    default: DEFAULT_PAGE_SIZE,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  toFilter(): AuditSearchFilter {
    return {
      ...this.toRange(),
      actorUserId: this.actor,
      actorUsername: this.actor_username === undefined ? undefined : foldText(this.actor_username),
      targetUsername:
        this.target_username === undefined ? undefined : foldText(this.target_username),
      action: this.action,
      resourceType: this.resource_type,
      resourceId: this.resource_id,
      outcome: this.outcome,
      beforeSeq: this.cursor === undefined ? undefined : Number(this.cursor),
    };
  }
}
