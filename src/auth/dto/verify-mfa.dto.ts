import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AuthenticationCredentialDto } from '../../mfa/dto/webauthn-credential.dto';
import { MfaMethod } from '../../common/access/mfa-method';

/** `method` with `code` (totp, recovery_code), or `method: "webauthn"` with the authenticator's `response`. */
export class VerifyMfaDto {
  @ApiPropertyOptional({
    description:
      'The `mfa_token` of the MFA_REQUIRED answer; browsers may rely on the aegis_mfa cookie instead',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  mfa_token?: string;

  @ApiProperty({ enum: [MfaMethod.Totp, MfaMethod.RecoveryCode, MfaMethod.WebAuthn] })
  @IsIn([MfaMethod.Totp, MfaMethod.RecoveryCode, MfaMethod.WebAuthn])
  method!: MfaMethod;

  @ApiPropertyOptional({
    example: '123456',
    description: "totp, recovery_code: the app's 6-digit code, or a recovery code",
  })
  @ValidateIf((dto: VerifyMfaDto) => dto.method !== MfaMethod.WebAuthn)
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  code?: string;

  @ApiPropertyOptional({
    type: AuthenticationCredentialDto,
    description:
      'webauthn: what startAuthentication() of @simplewebauthn/browser returned for the options of POST /auth/mfa/webauthn/options',
  })
  @ValidateIf((dto: VerifyMfaDto) => dto.method === MfaMethod.WebAuthn)
  @ValidateNested()
  @Type(() => AuthenticationCredentialDto)
  response?: AuthenticationCredentialDto;
}
