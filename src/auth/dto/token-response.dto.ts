import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { TokenGrant } from '../session-grants.service';

export class TokenResponseDto {
  @ApiProperty({ description: 'The access JWT, also set as the HttpOnly cookie aegis_token.' })
  access_token!: string;

  @ApiProperty({ enum: ['bearer'] })
  token_type!: 'bearer';

  @ApiProperty({
    type: 'integer',
    description: 'Seconds until the access token expires.',
    example: 900,
  })
  expires_in!: number;

  @ApiPropertyOptional({ description: 'Only for `client=api` logins and body-based refreshes.' })
  refresh_token?: string;

  static from(grant: TokenGrant, includeRefreshToken: boolean): TokenResponseDto {
    return {
      access_token: grant.accessToken,
      token_type: 'bearer',
      expires_in: grant.expiresIn,
      ...(includeRefreshToken &&
        grant.refreshToken !== undefined && { refresh_token: grant.refreshToken }),
    };
  }
}
