import { LoginStepError, LoginStepErrorCode } from '../login/login-step.error';
import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/access/public.decorator';
import { Problems } from '../../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../../common/http/request-meta';
import { RequestOrigin } from '../../common/http/request-origin';
import { Transactional } from '../../database/transaction-mode.decorator';
import { RequestOptionsDto } from '../../mfa/dto/webauthn-options.dto';
import { AuthCookies, SESSION_COOKIE_HEADERS } from '../auth-cookies';
import { AuthError, AuthErrorCode } from '../auth.error';
import { PasskeyLoginDto } from '../dto/passkey-login.dto';
import { TokenResponseDto } from '../dto/token-response.dto';
import { LoginThrottlerGuard } from '../guards/login-throttler.guard';
import { LoginResponder } from '../login/login-responder';
import { PasskeyLoginService } from './passkey-login.service';

/** Passwordless sign-in with a passkey: options, then the authenticator's answer; it answers as a login does. */
@ApiTags('auth')
@Controller('auth/passkey')
export class PasskeyLoginController {
  constructor(
    private readonly passkeys: PasskeyLoginService,
    private readonly responder: LoginResponder,
    private readonly cookies: AuthCookies,
  ) {}

  @Post('options')
  @Transactional()
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @ApiOperation({
    summary:
      'Options for a passwordless sign-in: any discoverable passkey of this site, user verification required, a single-use challenge valid 5 minutes',
  })
  @ApiOkResponse({ type: RequestOptionsDto })
  @Problems(new AuthError(AuthErrorCode.LoginRateLimited, { retryAfterSeconds: 60 }))
  async passkeyLoginOptions(
    @RequestOrigin() origin: string | undefined,
  ): Promise<RequestOptionsDto> {
    return (await this.passkeys.options(origin)) as RequestOptionsDto;
  }

  @Post('login')
  @Transactional()
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @ApiOperation({
    summary:
      'Sign in with a passkey (no password): the same cookies and body as POST /auth/login; the session counts as multi-factor (amr hwk, user)',
  })
  @ApiOkResponse({ type: TokenResponseDto, headers: SESSION_COOKIE_HEADERS })
  @Problems(
    new LoginStepError(LoginStepErrorCode.WebAuthnChallengeInvalid),
    new LoginStepError(LoginStepErrorCode.WebAuthnResponseInvalid),
    new LoginStepError(LoginStepErrorCode.PasskeyCounterRewound),
    new AuthError(AuthErrorCode.OneTimePasswordExpired),
    new AuthError(AuthErrorCode.AccountDisabled),
    new AuthError(AuthErrorCode.LoginRateLimited, { retryAfterSeconds: 60 }),
    new AuthError(AuthErrorCode.AccountThrottled, { retryAfterSeconds: 60 }),
  )
  async passkeyLogin(
    @Body() body: PasskeyLoginDto,
    @Req() request: FastifyRequest,
    @ClientMeta() meta: RequestMeta,
    @RequestOrigin() origin: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const outcome = await this.passkeys.login(body.response, body.client ?? 'browser', meta, {
      deviceToken: this.cookies.deviceToken(request),
      requestOrigin: origin,
    });
    return this.responder.answer(outcome, reply);
  }
}
