import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { UserError, UserErrorCode } from './user.error';
import { PASSWORD_POLICY_ERRORS } from './password-policy';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/access/authenticated.decorator';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import type { Principal } from '../common/access/principal';
import { Problems } from '../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { actorOf } from './actor';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserPageDto } from './dto/user-page.dto';
import { UserWithPasswordDto } from './dto/user-with-password.dto';
import { UserDto } from './dto/user.dto';
import { UserRecordDto } from './dto/user-record.dto';
import type { User } from './entities/user.entity';
import { NO_SECURITY_STATE, UserSecurityStates } from './user-security-state';
import { Role } from '../common/access/role';
import { UserAdministrationService } from './user-administration.service';
import { ReadOnly, Transactional } from '../database/transaction-mode.decorator';

const DEFAULT_PAGE_SIZE = 50;

// The auth decorators are plain metadata functions: importing them creates no module dependency on auth.
@ApiTags('users')
@Controller('users')
@Authenticated({ roles: [Role.Admin] })
export class UsersController {
  constructor(
    private readonly administration: UserAdministrationService,
    private readonly securityStates: UserSecurityStates,
  ) {}

  /** One lookup for the whole page: a fixed number of queries, never one per row. */
  private async recordsOf(users: User[]): Promise<UserRecordDto[]> {
    const states = await this.securityStates.of(users.map((user) => user.id));
    return users.map((user) => UserRecordDto.of(user, states.get(user.id) ?? NO_SECURITY_STATE));
  }

  @Post()
  @Transactional()
  @ApiOperation({ summary: 'Create a user (must change the password at first login)' })
  @ApiCreatedResponse({ type: UserWithPasswordDto })
  @Problems(new UserError(UserErrorCode.UsernameTaken), ...PASSWORD_POLICY_ERRORS)
  async createUser(
    @Body() body: CreateUserDto,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<UserWithPasswordDto> {
    const created = await this.administration.create(actorOf(principal, meta), {
      username: body.username,
      role: body.role,
      displayName: body.display_name,
      password: body.password,
    });
    return UserWithPasswordDto.from(created);
  }

  @Get()
  @ReadOnly()
  @ApiOperation({
    summary: 'List users in username order, filtered or searched, one page at a time',
  })
  @ApiOkResponse({ type: UserPageDto })
  async listUsers(@Query() query: ListUsersQuery): Promise<UserPageDto> {
    const page = await this.administration.list({
      usernamePrefix: query.username_prefix,
      search: query.q,
      role: query.role,
      isActive: query.active,
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
    });
    return { items: await this.recordsOf(page.items), next_cursor: page.nextCursor };
  }

  @Get(':id')
  @ReadOnly()
  @ApiOperation({ summary: 'One user, with its lockout, second factors and last sign-in' })
  @ApiOkResponse({ type: UserRecordDto })
  @Problems(new UserError(UserErrorCode.UserNotFound))
  async getUser(@Param('id', UuidParamPipe) id: string): Promise<UserRecordDto> {
    const [record] = await this.recordsOf([await this.administration.get(id)]);
    return record;
  }

  @Patch(':id')
  @Transactional()
  @ApiOperation({
    summary: 'Change role, active flag or display name (disabling ends every session)',
  })
  @ApiOkResponse({ type: UserDto })
  @Problems(new UserError(UserErrorCode.UserNotFound), new UserError(UserErrorCode.LastAdmin))
  async updateUser(
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<UserDto> {
    const user = await this.administration.update(actorOf(principal, meta), id, {
      role: body.role,
      isActive: body.is_active,
      displayName: body.display_name,
    });
    return UserDto.from(user);
  }

  @Post(':id/reset-password')
  @Transactional()
  @HttpCode(200)
  @ApiOperation({
    summary: 'New one-time password (returned once); ends every session; forces a change',
  })
  @ApiOkResponse({ type: UserWithPasswordDto })
  @Problems(new UserError(UserErrorCode.UserNotFound))
  async resetUserPassword(
    @Param('id', UuidParamPipe) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<UserWithPasswordDto> {
    return UserWithPasswordDto.from(
      await this.administration.resetPassword(actorOf(principal, meta), id),
    );
  }

  @Post(':id/disable')
  @Transactional()
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable the account and end every session at once' })
  @ApiOkResponse({ type: UserDto })
  @Problems(new UserError(UserErrorCode.UserNotFound), new UserError(UserErrorCode.LastAdmin))
  async disableUser(
    @Param('id', UuidParamPipe) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<UserDto> {
    return UserDto.from(
      await this.administration.update(actorOf(principal, meta), id, { isActive: false }),
    );
  }

  @Post(':id/enable')
  @Transactional()
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable the account' })
  @ApiOkResponse({ type: UserDto })
  @Problems(new UserError(UserErrorCode.UserNotFound))
  async enableUser(
    @Param('id', UuidParamPipe) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<UserDto> {
    return UserDto.from(
      await this.administration.update(actorOf(principal, meta), id, { isActive: true }),
    );
  }
}
