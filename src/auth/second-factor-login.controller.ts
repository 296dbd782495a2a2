import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/access/public.decorator';
import { Problems } from '../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { Transactional } from '../database/transaction-mode.decorator';
import { MfaError, MfaErrorCode } from '../mfa/mfa.error';
import { AuthCookies, SESSION_COOKIE_HEADERS } from './auth-cookies';
import { AuthError, AuthErrorCode } from './auth.error';
import { TokenResponseDto } from './dto/token-response.dto';
import { VerifyMfaDto } from './dto/verify-mfa.dto';
import { LoginThrottlerGuard } from './guards/login-throttler.guard';
import { LoginResponder } from './login-responder';
import { LoginService } from './login.service';

/** The second step of a login: it answers exactly as POST /auth/login does when no factor is needed. */
@ApiTags('auth')
@Controller('auth')
export class SecondFactorLoginController {
  constructor(
    private readonly login: LoginService,
    private readonly responder: LoginResponder,
    private readonly cookies: AuthCookies,
  ) {}

  @Post('mfa/verify')
  @Transactional()
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @ApiOperation({
    summary:
      'Answer the MFA_REQUIRED challenge (mfa_token or the aegis_mfa cookie) with a code: a login response',
  })
  @ApiOkResponse({ type: TokenResponseDto, headers: SESSION_COOKIE_HEADERS })
  @Problems(
    new MfaError(MfaErrorCode.CodeInvalid),
    new MfaError(MfaErrorCode.CodeReused),
    new MfaError(MfaErrorCode.MethodNotEnrolled),
    new MfaError(MfaErrorCode.ChallengeExpired),
    new AuthError(AuthErrorCode.LoginRateLimited, { retryAfterSeconds: 60 }),
    new AuthError(AuthErrorCode.AccountThrottled, { retryAfterSeconds: 60 }),
  )
  async verifySecondFactor(
    @Body() body: VerifyMfaDto,
    @Req() request: FastifyRequest,
    @ClientMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const outcome = await this.login.withCode(
      body.mfa_token ?? this.cookies.mfaToken(request),
      body.method,
      body.code,
      meta,
    );
    return this.responder.answer(outcome, reply);
  }
}
