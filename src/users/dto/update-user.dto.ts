import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { Role } from '../entities/user.entity';
import { DISPLAY_NAME_RULE } from './create-user.dto';

/** The only fields an administrator may change here; anything else in the body is a 400. */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
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
