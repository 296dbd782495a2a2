import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '../common/access/authenticated.decorator';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import type { Principal } from '../common/access/principal';
import { Role } from '../common/access/role';
import { Problems } from '../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { ReadOnly, Transactional } from '../database/transaction-mode.decorator';
import { actorOf } from '../users/actor';
import { CreateOidcClientDto } from './dto/create-oidc-client.dto';
import { CreatedOidcClientDto, OidcClientDto } from './dto/oidc-client.dto';
import { UpdateOidcClientDto } from './dto/update-oidc-client.dto';
import { OidcClientsService } from './oidc-clients.service';
import { OidcError, OidcErrorCode } from './oidc.error';

const NOT_FOUND = new OidcError(OidcErrorCode.ClientNotFound);
const INVALID = new OidcError(
  OidcErrorCode.InvalidClientMetadata,
  'a client using authorization_code needs at least one redirect URI',
);

@ApiTags('oidc-clients')
@Controller('oidc-clients')
@Authenticated({ roles: [Role.Admin] })
export class OidcClientsController {
  constructor(private readonly clients: OidcClientsService) {}

  @Post()
  @Transactional()
  @ApiOperation({ summary: 'Register an OpenID Connect client (the secret is returned once)' })
  @ApiCreatedResponse({ type: CreatedOidcClientDto })
  @Problems(INVALID)
  async createOidcClient(
    @Body() body: CreateOidcClientDto,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<CreatedOidcClientDto> {
    const { client, secret } = await this.clients.create(actorOf(principal, meta), {
      name: body.name,
      redirectUris: body.redirect_uris ?? [],
      postLogoutRedirectUris: body.post_logout_redirect_uris ?? [],
      backchannelLogoutUri: body.backchannel_logout_uri ?? null,
      backchannelLogoutSessionRequired: body.backchannel_logout_session_required,
      isPublic: body.public ?? false,
      grantTypes: body.grant_types ?? ['authorization_code'],
      idTokenSigningAlg: body.id_token_signed_response_alg ?? 'ES256',
      tokenEndpointAuthMethod: body.token_endpoint_auth_method,
      jwks: body.jwks,
      jwksUri: body.jwks_uri,
      introspectionResources: body.introspection_resources,
    });
    return {
      ...OidcClientDto.from(client),
      ...(secret !== undefined && { client_secret: secret }),
    };
  }

  @Get()
  @ReadOnly()
  @ApiOperation({ summary: 'Every registered client' })
  @ApiOkResponse({ type: [OidcClientDto] })
  async listOidcClients(): Promise<OidcClientDto[]> {
    return (await this.clients.list()).map((client) => OidcClientDto.from(client));
  }

  @Get(':id')
  @ReadOnly()
  @ApiOperation({ summary: 'One client' })
  @ApiOkResponse({ type: OidcClientDto })
  @Problems(NOT_FOUND)
  async getOidcClient(@Param('id') id: string): Promise<OidcClientDto> {
    return OidcClientDto.from(await this.clients.get(id));
  }

  @Patch(':id')
  @Transactional()
  @ApiOperation({ summary: 'Change a client (disabling stops its tokens)' })
  @ApiOkResponse({ type: OidcClientDto })
  @Problems(NOT_FOUND, INVALID)
  async updateOidcClient(
    @Param('id') id: string,
    @Body() body: UpdateOidcClientDto,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<OidcClientDto> {
    const client = await this.clients.update(actorOf(principal, meta), id, {
      name: body.name,
      redirectUris: body.redirect_uris,
      postLogoutRedirectUris: body.post_logout_redirect_uris,
      backchannelLogoutUri: body.backchannel_logout_uri,
      backchannelLogoutSessionRequired: body.backchannel_logout_session_required,
      idTokenSigningAlg: body.id_token_signed_response_alg,
      tokenEndpointAuthMethod: body.token_endpoint_auth_method,
      jwks: body.jwks,
      jwksUri: body.jwks_uri,
      introspectionResources: body.introspection_resources,
      isEnabled: body.enabled,
    });
    return OidcClientDto.from(client);
  }

  @Delete(':id')
  @Transactional()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a client (its tokens stop working)' })
  @ApiNoContentResponse()
  @Problems(NOT_FOUND)
  async deleteOidcClient(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.clients.delete(actorOf(principal, meta), id);
  }
}
