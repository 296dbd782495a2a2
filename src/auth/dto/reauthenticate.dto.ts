import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { MaxCodePoints } from '../../common/http/max-code-points.decorator';
import { MfaMethod } from '../../common/access/mfa-method';
import { PASSWORD_MAX_LENGTH } from '../../users/password-policy';

/** Either `password`, or `method` with `code`. */
export class ReauthenticateDto {
  @ApiPropertyOptional({ format: 'password', maxLength: PASSWORD_MAX_LENGTH })
  @ValidateIf((dto: ReauthenticateDto) => dto.method === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxCodePoints(PASSWORD_MAX_LENGTH)
  password?: string;

  @ApiPropertyOptional({ enum: [MfaMethod.Totp, MfaMethod.RecoveryCode] })
  @ValidateIf((dto: ReauthenticateDto) => dto.password === undefined)
  @IsIn([MfaMethod.Totp, MfaMethod.RecoveryCode])
  method?: MfaMethod.Totp | MfaMethod.RecoveryCode;

  @ApiPropertyOptional({ example: '123456' })
  @ValidateIf((dto: ReauthenticateDto) => dto.method !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  code?: string;
}
