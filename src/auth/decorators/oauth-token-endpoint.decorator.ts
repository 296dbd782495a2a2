import { applyDecorators, SetMetadata, UseFilters } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiSchema } from '@nestjs/swagger';
import { OAuthTokenErrorFilter } from '../oauth-token-error.filter';
import type { OAuthTokenError } from '../oauth-token-error';

export const OAUTH_TOKEN_ENDPOINT = 'aegis:oauthTokenEndpoint';

@ApiSchema({ name: 'OAuthTokenError' })
export class OAuthTokenErrorDto implements OAuthTokenError {
  @ApiProperty({
    enum: ['invalid_request', 'invalid_grant', 'unsupported_grant_type', 'slow_down'],
    description: 'RFC 6749 §5.2 (slow_down: RFC 8628 §3.5)',
  })
  error!: OAuthTokenError['error'];

  @ApiProperty({ example: 'Incorrect username or password' })
  error_description!: string;
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
