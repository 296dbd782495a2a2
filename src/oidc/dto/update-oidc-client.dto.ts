import { ApiPropertyOptional } from '@nestjs/swagger';
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
} from 'class-validator';
import { NonEmptyBody } from '../../common/http/non-empty-body.decorator';
import { NO_CONTROL, URL_RULE } from './create-oidc-client.dto';

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

  @ApiPropertyOptional({ enum: ['ES256', 'RS256'] })
  @IsOptional()
  @IsIn(['ES256', 'RS256'])
  id_token_signed_response_alg?: 'ES256' | 'RS256';

  @ApiPropertyOptional({
    description: 'A disabled client gets no tokens, and its tokens stop working',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
