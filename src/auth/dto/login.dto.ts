import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { MaxCodePoints } from '../../common/http/max-code-points.decorator';
import { PASSWORD_MAX_LENGTH } from '../../users/password-policy';

/**
 * The OAuth2 password form (`application/x-www-form-urlencoded`, what Swagger UI's Authorize sends) or JSON.
 * `grant_type`, `scope`, `client_id` and `client_secret` are accepted because OAuth2 clients send them.
 */
export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  username!: string;

  @ApiProperty({ format: 'password', maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxCodePoints(PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiPropertyOptional({
    enum: ['browser', 'api'],
    description: '`api`: also return the refresh token in the body (for clients without cookies).',
  })
  @IsOptional()
  @IsIn(['browser', 'api'])
  client?: 'browser' | 'api';

  @ApiPropertyOptional({ enum: ['password'] })
  @IsOptional()
  @IsIn(['password'])
  grant_type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  scope?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_secret?: string;
}
