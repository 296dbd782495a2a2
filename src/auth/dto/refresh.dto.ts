import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Browsers send nothing (the `aegis_refresh` cookie is used); API clients send their refresh token. */
export class RefreshDto {
  @ApiPropertyOptional({
    description: 'For clients without cookies; browsers rely on the aegis_refresh cookie.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  refresh_token?: string;
}
