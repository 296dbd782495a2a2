import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { DISPLAY_NAME_RULE } from '../../users/dto/create-user.dto';

export class BeginTotpDto {
  @ApiPropertyOptional({ example: 'Phone', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(DISPLAY_NAME_RULE, {
    message: 'label must not contain control or formatting characters',
  })
  label?: string;
}
