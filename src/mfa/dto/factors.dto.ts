import { ApiProperty } from '@nestjs/swagger';
import { FactorKind, type MfaFactor } from '../entities/mfa-factor.entity';
import type { FactorOverview } from '../mfa-factors.service';

/** An enrolled factor, never its secret or key. */
export class FactorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: FactorKind }) kind!: FactorKind;
  @ApiProperty({ type: String, nullable: true }) label!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_used_at!: string | null;

  static from(factor: MfaFactor): FactorDto {
    return {
      id: factor.id,
      kind: factor.kind,
      label: factor.label,
      created_at: factor.createdAt.toISOString(),
      last_used_at: factor.lastUsedAt?.toISOString() ?? null,
    };
  }
}

export class FactorsDto {
  @ApiProperty({ type: [FactorDto] }) factors!: FactorDto[];
  @ApiProperty({ example: 10 }) recovery_codes_left!: number;

  static from(overview: FactorOverview): FactorsDto {
    return {
      factors: overview.factors.map((factor) => FactorDto.from(factor)),
      recovery_codes_left: overview.recoveryCodesLeft,
    };
  }
}
