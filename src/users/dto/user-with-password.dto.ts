import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { UserWithOneTimePassword } from '../user-administration.service';
import { UserDto } from './user.dto';

/** A created or reset user; the generated one-time password appears here once and is stored nowhere. */
export class UserWithPasswordDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiPropertyOptional({ description: 'Only when Aegis generated the password. Shown once.' })
  one_time_password?: string;

  static from(result: UserWithOneTimePassword): UserWithPasswordDto {
    return {
      user: UserDto.from(result.user),
      ...(result.oneTimePassword !== undefined && { one_time_password: result.oneTimePassword }),
    };
  }
}
