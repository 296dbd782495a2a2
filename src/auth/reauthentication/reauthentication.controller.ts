import { LoginStepError, LoginStepErrorCode } from '../login/login-step.error';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/access/authenticated.decorator';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import type { Principal } from '../../common/access/principal';
import { AllowsPendingMfa } from '../../common/access/second-factor-access.decorator';
import { Problems } from '../../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../../common/http/request-meta';
import { Transactional } from '../../database/transaction-mode.decorator';
import { AuthError, AuthErrorCode } from '../auth.error';
import { DetailDto } from '../dto/detail.dto';
import { ReauthenticateDto } from '../dto/reauthenticate.dto';
import { ReauthenticationService } from './reauthentication.service';

@ApiTags('auth')
@Controller('auth')
export class ReauthenticationController {
  constructor(private readonly reauthentication: ReauthenticationService) {}

  @Post('reauthenticate')
  @Transactional()
  @HttpCode(200)
  @Authenticated({ allowPendingPasswordChange: true })
  @AllowsPendingMfa()
  @ApiOperation({
    summary:
      "Confirm it is you (password, or a factor's code): renews the session's auth_time for REAUTH_WINDOW; a code also makes the session multi-factor",
  })
  @ApiOkResponse({ type: DetailDto })
  @Problems(
    new AuthError(AuthErrorCode.WrongCurrentPassword),
    new LoginStepError(LoginStepErrorCode.CodeInvalid),
    new LoginStepError(LoginStepErrorCode.CodeReused),
    new LoginStepError(LoginStepErrorCode.MethodNotEnrolled),
    new AuthError(AuthErrorCode.AccountThrottled, { retryAfterSeconds: 60 }),
  )
  async reauthenticate(
    @Body() body: ReauthenticateDto,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<DetailDto> {
    await this.reauthentication.reauthenticate(
      principal,
      body.method !== undefined && body.code !== undefined
        ? { method: body.method, code: body.code }
        : { password: body.password ?? '' },
      meta,
    );
    return { detail: 'Reauthenticated' };
  }
}
