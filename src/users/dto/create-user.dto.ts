import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Role } from '../../common/access/role';

export const DISPLAY_NAME_RULE = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;

export class CreateUserDto {
  @ApiProperty({
    example: 'alice',
    description:
      '3–64 characters (RFC 8265 UsernameCaseMapped: NFKC, full case folding); must not look like an existing username (UTS #39 skeleton)',
  })
  @IsString()
  @MaxLength(256)
  username!: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role!: Role;

  @ApiPropertyOptional({ example: 'Alice Example' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(DISPLAY_NAME_RULE, {
    message: 'display_name must not contain control or formatting characters',
  })
  display_name?: string;

  @ApiPropertyOptional({
    format: 'password',
    example: 'violet river lantern 42',
    description:
      'At least PASSWORD_MIN_LENGTH (default 15) characters, not containing the username, not a common password. Omit to have a one-time password generated and returned once. Either way the user must change it.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;
}
