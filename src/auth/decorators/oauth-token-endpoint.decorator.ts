import { applyDecorators, SetMetadata, UseFilters } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { MfaMethod } from '../../common/access/mfa-method';
import { OAuthTokenErrorFilter } from '../oauth-token-error.filter';
import type { OAuthTokenError } from '../oauth-token-error';

export const OAUTH_TOKEN_ENDPOINT = 'aegis:oauthTokenEndpoint';

@ApiSchema({ name: 'OAuthTokenError' })
export class OAuthTokenErrorDto implements OAuthTokenError {
  @ApiProperty({
    enum: [
      'invalid_request',
      'invalid_grant',
      'unsupported_grant_type',
      'slow_down',
      'mfa_required',
    ],
    description:
      'RFC 6749 §5.2 (slow_down: RFC 8628 §3.5; mfa_required: the password was right, a second factor must follow at /auth/mfa/verify)',
  })
  error!: OAuthTokenError['error'];

  @ApiProperty({ example: 'Incorrect username or password' })
  error_description!: string;

  @ApiPropertyOptional({ description: 'With mfa_required: the challenge for /auth/mfa/verify' })
  mfa_token?: string;

  @ApiPropertyOptional({ enum: MfaMethod, isArray: true, description: 'With mfa_required' })
  methods?: MfaMethod[];

  @ApiPropertyOptional({
    type: 'integer',
    description: 'With mfa_required: seconds the challenge lives',
  })
  expires_in?: number;
}

/**
 * The route is also an OAuth2 token endpoint (password grant): a form request with `grant_type` is refused
 * as RFC 6749 §5.2 says (400/429 application/json); the document lists that body beside problem+json.
 */
export const OAuthTokenEndpoint = () =>
  applyDecorators(
    UseFilters(OAuthTokenErrorFilter),
    SetMetadata(OAUTH_TOKEN_ENDPOINT, true),
    ApiExtraModels(OAuthTokenErrorDto),
  );
