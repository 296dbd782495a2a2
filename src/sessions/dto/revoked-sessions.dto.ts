import { ApiProperty } from '@nestjs/swagger';

export class RevokedSessionsDto {
  @ApiProperty({ example: 2 }) revoked!: number;
}
