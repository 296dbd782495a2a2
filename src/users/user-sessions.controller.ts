import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { UserError, UserErrorCode } from './user.error';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/access/authenticated.decorator';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import type { Principal } from '../common/access/principal';
import { Problems } from '../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { DEFAULT_SESSION_PAGE_SIZE, ListSessionsQuery } from '../sessions/dto/list-sessions.query';
import { SessionDto } from '../sessions/dto/session.dto';
import { SessionPageDto } from '../sessions/dto/session-page.dto';
import { SessionNotFoundError } from '../sessions/session.error';
import { actorOf } from './actor';
import { RevokedSessionsDto } from '../sessions/dto/revoked-sessions.dto';
import { Role } from '../common/access/role';
import { UserAdministrationService } from './user-administration.service';
import { ReadOnly, Transactional } from '../database/transaction-mode.decorator';

@ApiTags('users')
@Controller('users/:id/sessions')
@Authenticated({ roles: [Role.Admin] })
@Problems(new UserError(UserErrorCode.UserNotFound))
export class UserSessionsController {
  constructor(private readonly administration: UserAdministrationService) {}

  @Get()
  @ReadOnly()
  @ApiOperation({ summary: "A user's live sessions, newest first, one page at a time" })
  @ApiOkResponse({ type: SessionPageDto })
  async listUserSessions(
    @Param('id', UuidParamPipe) id: string,
    @Query() query: ListSessionsQuery,
  ): Promise<SessionPageDto> {
    const page = await this.administration.listSessions(id, {
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_SESSION_PAGE_SIZE,
    });
    return {
      items: page.items.map((session) => SessionDto.from(session)),
      next_cursor: page.nextCursor,
    };
  }

  @Delete()
  @Transactional()
  @ApiOperation({
    summary: 'End every session of a user (their tokens are refused on the next request)',
  })
  @ApiOkResponse({ type: RevokedSessionsDto })
  async revokeUserSessions(
    @Param('id', UuidParamPipe) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<RevokedSessionsDto> {
    return { revoked: await this.administration.revokeSessions(actorOf(principal, meta), id) };
  }

  @Delete(':sid')
  @Transactional()
  @HttpCode(204)
  @ApiOperation({ summary: 'End one session of a user' })
  @ApiNoContentResponse()
  @Problems(new SessionNotFoundError())
  async revokeUserSession(
    @Param('id', UuidParamPipe) id: string,
    @Param('sid', UuidParamPipe) sessionId: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.administration.revokeSession(actorOf(principal, meta), id, sessionId);
  }
}
