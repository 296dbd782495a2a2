import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
} from 'class-validator';

/** Absolute http(s) URLs; compared exactly by the provider (no wildcards, no prefix matching). */
export const URL_RULE = {
  require_tld: false,
  require_protocol: true,
  protocols: ['http', 'https'],
};
export const NO_CONTROL = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;

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
}
