import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { UserError, UserErrorCode } from '../../users/user.error';
import { Problems } from '../../common/errors/problems.decorator';
import { ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ClientMeta, type RequestMeta } from '../../common/http/request-meta';
import { UuidParamPipe } from '../../common/http/uuid-param.pipe';
import { Role } from '../../common/access/role';
import { Authenticated } from '../../common/access/authenticated.decorator';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { LoginLockoutService } from './login-lockout.service';
import type { Principal } from '../../common/access/principal';
import { Transactional } from '../../database/transaction-mode.decorator';

/** Administration of per-account login lockouts (the rest of /users is the users feature's). */
@ApiTags('users')
@Controller('users')
export class LoginLockoutController {
  constructor(private readonly lockouts: LoginLockoutService) {}

  @Delete(':id/login-lockout')
  @Transactional()
  @HttpCode(204)
  @Authenticated({ roles: [Role.Admin] })
  @ApiOperation({
    summary: "Clear a user's login lockout (consecutive failed password attempts); idempotent",
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The user' })
  @ApiNoContentResponse({ description: 'The user can try to log in again at once' })
  @Problems(new UserError(UserErrorCode.UserNotFound))
  async clearLoginLockout(
    @Param('id', UuidParamPipe) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.lockouts.clearForUser(id, principal.user, meta);
  }
}
