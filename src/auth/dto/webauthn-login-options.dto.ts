import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class WebAuthnLoginOptionsDto {
  @ApiPropertyOptional({
    description:
      'The `mfa_token` of the MFA_REQUIRED answer; browsers may rely on the aegis_mfa cookie instead',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  mfa_token?: string;
}
