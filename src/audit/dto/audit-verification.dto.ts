import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ChainBreak, type ChainVerification } from '../audit-verification.service';

/** The result of walking the audit chain (GET /audit/verify, `npm run cli -- audit:verify`). */
export class AuditVerificationDto {
  @ApiProperty({ description: 'True when every check passed.' })
  ok!: boolean;

  @ApiProperty({ type: 'integer', description: 'Events checked.', example: 1042 })
  checked!: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'The first position that can no longer be trusted.',
  })
  first_broken_seq?: number;

  @ApiPropertyOptional({ enum: ChainBreak, enumName: 'ChainBreak' })
  reason?: ChainBreak;

  @ApiPropertyOptional({ description: 'What was found, in words.' })
  detail?: string;

  @ApiProperty({
    type: 'integer',
    description: 'The last purged position (0 when retention never purged).',
  })
  anchor_seq!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The last event checked.' })
  last_seq!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Its hash: keep it elsewhere to detect a later rewrite.',
  })
  last_hash!: string | null;

  @ApiProperty({
    type: 'integer',
    description: 'Signed checkpoints verified (0 without AUDIT_HMAC_KEY).',
  })
  checkpoints_checked!: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The last position a valid signed checkpoint vouches for.',
  })
  signed_through_seq!: number | null;

  static from(report: ChainVerification): AuditVerificationDto {
    return {
      ok: report.ok,
      checked: report.checked,
      ...(report.firstBrokenSeq !== undefined && { first_broken_seq: report.firstBrokenSeq }),
      ...(report.reason !== undefined && { reason: report.reason }),
      ...(report.detail !== undefined && { detail: report.detail }),
      anchor_seq: report.anchorSeq,
      last_seq: report.lastSeq,
      last_hash: report.lastHash,
      checkpoints_checked: report.checkpointsChecked,
      signed_through_seq: report.signedThroughSeq,
    };
  }
}
