import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  current_password!: string;

  @ApiProperty({
    format: 'password',
    description:
      'PASSWORD_MIN_LENGTH (default 15) to 128 characters; must not contain the username.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  new_password!: string;
}
