import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { MfaMethod } from '../../mfa/second-factor.service';

export class VerifyMfaDto {
  @ApiPropertyOptional({
    description:
      'The `mfa_token` of the MFA_REQUIRED answer; browsers may rely on the aegis_mfa cookie instead',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  mfa_token?: string;

  @ApiProperty({ enum: [MfaMethod.Totp, MfaMethod.RecoveryCode] })
  @IsIn([MfaMethod.Totp, MfaMethod.RecoveryCode])
  method!: MfaMethod.Totp | MfaMethod.RecoveryCode;

  @ApiProperty({ example: '123456', description: "The app's 6-digit code, or a recovery code" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  code!: string;
}
