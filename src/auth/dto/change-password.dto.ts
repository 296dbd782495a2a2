import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MaxCodePoints } from '../../common/http/max-code-points.decorator';
import { PASSWORD_MAX_LENGTH } from '../../users/password-policy';

/** Far above any acceptable password: longer input is malformed, not a policy question. */
const NEW_PASSWORD_INPUT_LIMIT = 1024;

export class ChangePasswordDto {
  @ApiProperty({ format: 'password', maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxCodePoints(PASSWORD_MAX_LENGTH)
  current_password!: string;

  /** Its length rule (PASSWORD_TOO_LONG) is the password policy's, checked before any hashing. */
  @ApiProperty({
    format: 'password',
    description:
      'PASSWORD_MIN_LENGTH (default 15) to 128 characters; must not contain the username.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NEW_PASSWORD_INPUT_LIMIT)
  new_password!: string;
}
