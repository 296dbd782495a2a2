import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MaxCodePoints } from '../../common/http/max-code-points.decorator';
import { PASSWORD_MAX_LENGTH } from '../../users/password-policy';

/** The hosted sign-in form (`application/x-www-form-urlencoded`). */
export class SignInDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  username!: string;

  @IsString()
  @IsNotEmpty()
  @MaxCodePoints(PASSWORD_MAX_LENGTH)
  password!: string;
}
