import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class LogoutDto {
  @ApiPropertyOptional({ description: 'API clients: the refresh token whose session should end.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  refresh_token?: string;
}
