import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, ValidateNested } from 'class-validator';
import { AuthenticationCredentialDto } from '../../mfa/dto/webauthn-credential.dto';

export class PasskeyLoginDto {
  @ApiProperty({
    type: AuthenticationCredentialDto,
    description:
      'What startAuthentication() of @simplewebauthn/browser returned for the options of POST /auth/passkey/options',
  })
  @ValidateNested()
  @Type(() => AuthenticationCredentialDto)
  response!: AuthenticationCredentialDto;

  @ApiPropertyOptional({
    enum: ['browser', 'api'],
    description: '`api`: also return the refresh token in the body (for clients without cookies).',
  })
  @IsOptional()
  @IsIn(['browser', 'api'])
  client?: 'browser' | 'api';
}
