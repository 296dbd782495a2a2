import { ApiProperty } from '@nestjs/swagger';

export class RevokedSessionsDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 2 }) revoked!: number;
}
