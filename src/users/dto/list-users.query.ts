import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { NoControlCharacters } from '../../common/http/no-control-characters';
import { Role } from '../../common/access/role';

export class ListUsersQuery {
  @ApiPropertyOptional({
    description: 'Username prefix (compared after NFKC and full case folding)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @NoControlCharacters()
  username_prefix?: string;

  @ApiPropertyOptional({
    description:
      'Search: usernames starting with it (compared like username_prefix) or display names containing it, ' +
      'either case (on SQLite, only ASCII letters of a display name match either case)',
    example: 'ali',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @NoControlCharacters()
  q?: string;

  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
