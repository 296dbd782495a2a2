import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { DISPLAY_NAME_RULE } from '../../users/dto/create-user.dto';
import { RegistrationCredentialDto } from './webauthn-credential.dto';

export class RegisterWebAuthnDto {
  @ApiProperty({
    type: RegistrationCredentialDto,
    description: 'What startRegistration() of @simplewebauthn/browser returned for the options',
  })
  @ValidateNested()
  @Type(() => RegistrationCredentialDto)
  response!: RegistrationCredentialDto;

  @ApiPropertyOptional({ example: 'Laptop', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(DISPLAY_NAME_RULE, {
    message: 'label must not contain control or formatting characters',
  })
  label?: string;
}
