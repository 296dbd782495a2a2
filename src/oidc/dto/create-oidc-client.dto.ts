import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { CONFIDENTIAL_AUTH_METHODS, type ConfidentialAuthMethod } from '../client-registration';
import { JwksDto } from './jwks.dto';

/** Absolute http(s) URLs; compared exactly by the provider (no wildcards, no prefix matching). */
export const URL_RULE = {
  require_tld: false,
  require_protocol: true,
  protocols: ['http', 'https'],
};
export const NO_CONTROL = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;

export const AUTH_METHOD_DESCRIPTION =
  'How a confidential client authenticates: client_secret_basic (the secret in the Authorization header), ' +
  'client_secret_post (the secret in the form body), or private_key_jwt (no secret: a JWT signed with a key of ' +
  'jwks or jwks_uri). A public client has none.';
export const INTROSPECTION_RESOURCES_DESCRIPTION =
  'Resources (of OIDC_RESOURCES) this client serves as a resource server: it may introspect the access tokens ' +
  'issued for them, which are then opaque';

export class CreateOidcClientDto {
  @ApiProperty({ example: 'Wiki', description: 'Shown on the sign-in page' })
  @IsString()
  @Length(1, 128)
  @Matches(NO_CONTROL, { message: 'name must not contain control or formatting characters' })
  name!: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://wiki.example.com/oidc/callback'],
    description: 'Exact redirect URIs (required for the code flow)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl(URL_RULE, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Exact URIs allowed after RP-initiated logout',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl(URL_RULE, { each: true })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({ description: 'Receives OIDC back-channel logout tokens' })
  @IsOptional()
  @IsUrl(URL_RULE)
  backchannel_logout_uri?: string;

  @ApiPropertyOptional({
    description:
      'Logout tokens carry `sid` (the session the tool got in its ID token), so the tool ends that session only; needs backchannel_logout_uri; default: true when backchannel_logout_uri is given',
  })
  @IsOptional()
  @IsBoolean()
  backchannel_logout_session_required?: boolean;

  @ApiPropertyOptional({
    default: false,
    description:
      'A public client (SPA, native app) has no secret; PKCE is required for every client anyway',
  })
  @IsOptional()
  @IsBoolean()
  public?: boolean;

  @ApiPropertyOptional({
    type: [String],
    enum: ['authorization_code', 'client_credentials'],
    default: ['authorization_code'],
  })
  @IsOptional()
  @IsArray()
  @IsIn(['authorization_code', 'client_credentials'], { each: true })
  grant_types?: Array<'authorization_code' | 'client_credentials'>;

  @ApiPropertyOptional({ enum: ['ES256', 'RS256'], default: 'ES256' })
  @IsOptional()
  @IsIn(['ES256', 'RS256'])
  id_token_signed_response_alg?: 'ES256' | 'RS256';

  @ApiPropertyOptional({
    enum: CONFIDENTIAL_AUTH_METHODS,
    default: 'client_secret_basic',
    description: AUTH_METHOD_DESCRIPTION,
  })
  @IsOptional()
  @IsIn(CONFIDENTIAL_AUTH_METHODS)
  token_endpoint_auth_method?: ConfidentialAuthMethod;

  @ApiPropertyOptional({ type: JwksDto, description: 'private_key_jwt: the public keys, inline' })
  @IsOptional()
  @ValidateNested()
  @Type(() => JwksDto)
  jwks?: JwksDto;

  @ApiPropertyOptional({ description: 'private_key_jwt: where Aegis fetches the public keys' })
  @IsOptional()
  @IsUrl(URL_RULE)
  jwks_uri?: string;

  @ApiPropertyOptional({ type: [String], description: INTROSPECTION_RESOURCES_DESCRIPTION })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl(URL_RULE, { each: true })
  introspection_resources?: string[];
}
