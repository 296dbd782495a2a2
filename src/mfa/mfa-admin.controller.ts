import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/access/authenticated.decorator';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import type { Principal } from '../common/access/principal';
import { Role } from '../common/access/role';
import { Problems } from '../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { Transactional } from '../database/transaction-mode.decorator';
import { UserError, UserErrorCode } from '../users/user.error';
import { MfaFactorsService } from './mfa-factors.service';

@ApiTags('users')
@Controller('users/:id/mfa')
@Authenticated({ roles: [Role.Admin] })
export class MfaAdminController {
  constructor(private readonly factors: MfaFactorsService) {}

  @Delete()
  @Transactional()
  @HttpCode(204)
  @ApiOperation({
    summary:
      "Remove every second factor and recovery code of a user and end the user's sessions (a lost phone)",
  })
  @ApiNoContentResponse()
  @Problems(new UserError(UserErrorCode.UserNotFound))
  async resetUserMfa(
    @Param('id', UuidParamPipe) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.factors.resetForUser(id, principal.user, meta);
  }
}
