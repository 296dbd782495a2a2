import { NonEmptyBody } from '../../common/http/non-empty-body.decorator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { Role } from '../../common/access/role';
import { DISPLAY_NAME_RULE } from './create-user.dto';

/** The only fields an administrator may change here; anything else in the body is a 400. */
@NonEmptyBody()
export class UpdateUserDto {
  // Absent is fine; null is not a role or a flag (IsOptional would let null through).
  @ApiPropertyOptional({ enum: Role })
  @ValidateIf((_dto, value) => value !== undefined)
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional()
  @ValidateIf((_dto, value) => value !== undefined)
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it' })
  @ValidateIf((_dto, value) => value !== null && value !== undefined)
  @IsString()
  @Length(1, 128)
  @Matches(DISPLAY_NAME_RULE, {
    message: 'display_name must not contain control or formatting characters',
  })
  display_name?: string | null;
}
