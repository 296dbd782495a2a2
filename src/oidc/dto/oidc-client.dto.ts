import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RegisteredClient } from '../oidc-clients.service';
import type { JwksDto } from './jwks.dto';

export class OidcClientDto {
  @ApiProperty({ example: 'aegis-3q2Vd0lJm4c8kQ1p' })
  client_id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: [String] })
  redirect_uris!: string[];

  @ApiProperty({ type: [String] })
  post_logout_redirect_uris!: string[];

  @ApiProperty({ type: String, nullable: true })
  backchannel_logout_uri!: string | null;

  @ApiProperty({ description: 'Logout tokens carry `sid`' })
  backchannel_logout_session_required!: boolean;

  @ApiProperty()
  public!: boolean;

  @ApiProperty({ type: [String], enum: ['authorization_code', 'client_credentials'] })
  grant_types!: string[];

  @ApiProperty({ enum: ['ES256', 'RS256'] })
  id_token_signed_response_alg!: string;

  @ApiProperty({
    enum: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    description: 'none: a public client',
  })
  token_endpoint_auth_method!: string;

  // Inline (not a $ref): OpenAPI 3.0 ignores `nullable` beside a $ref, and most clients have no keys.
  @ApiProperty({
    type: 'object',
    nullable: true,
    properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    description: 'private_key_jwt: the public keys registered inline (a JWK Set)',
  })
  jwks!: JwksDto | null;

  @ApiProperty({ type: String, nullable: true })
  jwks_uri!: string | null;

  @ApiProperty({ type: [String] })
  introspection_resources!: string[];

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty()
  created_at!: string;

  @ApiProperty()
  updated_at!: string;

  static from(client: RegisteredClient): OidcClientDto {
    const { registration } = client;
    return {
      client_id: client.id,
      name: registration.name,
      redirect_uris: registration.redirectUris,
      post_logout_redirect_uris: registration.postLogoutRedirectUris,
      backchannel_logout_uri: registration.backchannelLogoutUri,
      backchannel_logout_session_required: registration.backchannelLogoutSessionRequired,
      public: registration.isPublic,
      grant_types: registration.grantTypes,
      id_token_signed_response_alg: registration.idTokenSigningAlg,
      token_endpoint_auth_method: registration.tokenEndpointAuthMethod,
      jwks: registration.jwks,
      jwks_uri: registration.jwksUri,
      introspection_resources: registration.introspectionResources,
      enabled: client.isEnabled,
      created_at: client.createdAt.toISOString(),
      updated_at: client.updatedAt.toISOString(),
    };
  }
}

export class CreatedOidcClientDto extends OidcClientDto {
  @ApiPropertyOptional({
    description: 'Clients authenticating with a secret only: shown once, stored only as a hash',
  })
  client_secret?: string;
}
