import { ApiPropertyOptional } from '@nestjs/swagger';
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { NonEmptyBody } from '../../common/http/non-empty-body.decorator';
import { CONFIDENTIAL_AUTH_METHODS, type ConfidentialAuthMethod } from '../client-registration';
import {
  AUTH_METHOD_DESCRIPTION,
  INTROSPECTION_RESOURCES_DESCRIPTION,
  NO_CONTROL,
  URL_RULE,
} from './create-oidc-client.dto';
import { JwksDto } from './jwks.dto';

@NonEmptyBody()
export class UpdateOidcClientDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(NO_CONTROL, { message: 'name must not contain control or formatting characters' })
  name?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl(URL_RULE, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl(URL_RULE, { each: true })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null removes it' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsUrl(URL_RULE)
  backchannel_logout_uri?: string | null;

  @ApiPropertyOptional({ description: 'Logout tokens carry `sid`; needs backchannel_logout_uri' })
  @IsOptional()
  @IsBoolean()
  backchannel_logout_session_required?: boolean;

  @ApiPropertyOptional({ enum: ['ES256', 'RS256'] })
  @IsOptional()
  @IsIn(['ES256', 'RS256'])
  id_token_signed_response_alg?: 'ES256' | 'RS256';

  @ApiPropertyOptional({
    enum: CONFIDENTIAL_AUTH_METHODS,
    description: `${AUTH_METHOD_DESCRIPTION} A client without a secret (public, private_key_jwt) cannot move to a secret.`,
  })
  @IsOptional()
  @IsIn(CONFIDENTIAL_AUTH_METHODS)
  token_endpoint_auth_method?: ConfidentialAuthMethod;

  @ApiPropertyOptional({ type: JwksDto, description: 'Replaces the keys (and a jwks_uri)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => JwksDto)
  jwks?: JwksDto;

  @ApiPropertyOptional({ description: 'Replaces where the keys are fetched (and inline jwks)' })
  @IsOptional()
  @IsUrl(URL_RULE)
  jwks_uri?: string;

  @ApiPropertyOptional({
    type: [String],
    description: `${INTROSPECTION_RESOURCES_DESCRIPTION}; [] removes them`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl(URL_RULE, { each: true })
  introspection_resources?: string[];

  @ApiPropertyOptional({
    description: 'A disabled client gets no tokens, and its tokens stop working',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
