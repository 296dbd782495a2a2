import { Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ProblemDetailsDto } from '../common/errors/problem-details.dto';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { SessionDto } from '../sessions/dto/session.dto';
import { RevokedSessionsDto } from '../users/dto/revoked-sessions.dto';
import { AuthCookies } from './auth-cookies';
import { AuthService } from './auth.service';
import { Authenticated } from './decorators/authenticated.decorator';
import { CurrentPrincipal } from './decorators/current-principal.decorator';
import type { Principal } from './principal';

/** The caller's own sessions: see where they are signed in, end one or all. */
@ApiTags('auth')
@Controller('auth')
export class MySessionsController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: AuthCookies,
  ) {}

  @Get('sessions')
  @Authenticated()
  @ApiOperation({ summary: "The caller's live sessions; `current` marks this one" })
  @ApiOkResponse({ type: [SessionDto] })
  async list(@CurrentPrincipal() principal: Principal): Promise<SessionDto[]> {
    const sessions = await this.auth.listMySessions(principal);
    return sessions.map((session) => SessionDto.from(session, principal.session.id));
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: "End one of the caller's sessions" })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({
    type: ProblemDetailsDto,
    description: "Not one of the caller's live sessions",
  })
  async end(
    @Param('id', UuidParamPipe) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.auth.endMySession(principal, id, meta);
  }

  @Post('logout-all')
  @HttpCode(200)
  @Authenticated({ allowPendingPasswordChange: true })
  @ApiOperation({
    summary: 'End every session of the caller, this one included, and clear the cookies',
  })
  @ApiOkResponse({ type: RevokedSessionsDto })
  async logoutAll(
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevokedSessionsDto> {
    const revoked = await this.auth.logoutAll(principal, meta);
    this.cookies.clear(reply);
    return { revoked };
  }
}
