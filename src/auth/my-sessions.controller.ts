import { Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { SessionNotFoundError } from '../sessions/session.error';
import { SESSION_COOKIE_HEADERS } from './auth-cookies';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Problems } from '../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { DEFAULT_SESSION_PAGE_SIZE, ListSessionsQuery } from '../sessions/dto/list-sessions.query';
import { MySessionDto } from '../sessions/dto/session.dto';
import { MySessionPageDto } from '../sessions/dto/session-page.dto';
import { RevokedSessionsDto } from '../sessions/dto/revoked-sessions.dto';
import { AuthCookies } from './auth-cookies';
import { MySessionsService } from './my-sessions.service';
import { Authenticated } from '../common/access/authenticated.decorator';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import type { Principal } from '../common/access/principal';
import { ReadOnly, Transactional } from '../database/transaction-mode.decorator';

/** The caller's own sessions: see where they are signed in, end one or all. */
@ApiTags('auth')
@Controller('auth')
export class MySessionsController {
  constructor(
    private readonly mySessions: MySessionsService,
    private readonly cookies: AuthCookies,
  ) {}

  @Get('sessions')
  @ReadOnly()
  @Authenticated()
  @ApiOperation({
    summary:
      "The caller's live sessions, newest first, one page at a time; `current` marks this one",
  })
  @ApiOkResponse({ type: MySessionPageDto })
  async listMySessions(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListSessionsQuery,
  ): Promise<MySessionPageDto> {
    const page = await this.mySessions.list(principal, {
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_SESSION_PAGE_SIZE,
    });
    return {
      items: page.items.map((session) => MySessionDto.fromOwn(session, principal.session.id)),
      next_cursor: page.nextCursor,
    };
  }

  @Delete('sessions/:id')
  @Transactional()
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: "End one of the caller's sessions" })
  @ApiNoContentResponse()
  @Problems(new SessionNotFoundError())
  async endMySession(
    @Param('id', UuidParamPipe) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.mySessions.end(principal, id, meta);
  }

  @Post('logout-all')
  @Transactional()
  @HttpCode(200)
  @Authenticated({ allowPendingPasswordChange: true })
  @ApiOperation({
    summary: 'End every session of the caller, this one included, and clear the cookies',
  })
  @ApiOkResponse({ type: RevokedSessionsDto, headers: SESSION_COOKIE_HEADERS })
  async logoutAll(
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevokedSessionsDto> {
    const revoked = await this.mySessions.logoutAll(principal, meta);
    this.cookies.clear(reply);
    return { revoked };
  }
}
