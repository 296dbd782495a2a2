import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/access/public.decorator';
import { ReadOnly } from '../database/transaction-mode.decorator';
import { AccessTokenKeys } from './access-token-keys';
import { AccessTokenJwksDto, type AccessTokenJwkDto } from './dto/access-token-jwks.dto';

@ApiTags('auth')
@Controller('auth')
export class AccessTokenJwksController {
  constructor(private readonly keys: AccessTokenKeys) {}

  @Get('jwks')
  @Public()
  @ReadOnly()
  // Short: a tool that meets an unknown kid fetches again; a new key is published here before it signs.
  @Header('cache-control', 'public, max-age=60')
  @ApiOperation({
    summary:
      "The public keys of Aegis's access tokens (a JWK Set), for tools that verify them offline",
    description:
      'Keys of the OpenID provider are at /oidc/jwks and never verify an Aegis access token. Includes the key ' +
      'that will sign next and the retired keys whose tokens may still be live; select by `kid`, require ' +
      '`alg` ES256 and `typ` at+jwt. Tokens signed with the legacy JWT_SECRET (HS256) cannot be verified with it.',
  })
  @ApiOkResponse({ type: AccessTokenJwksDto })
  jwks(): AccessTokenJwksDto {
    return { keys: this.keys.publicJwks() as unknown as AccessTokenJwkDto[] };
  }
}
