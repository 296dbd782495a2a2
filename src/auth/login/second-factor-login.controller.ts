import { LoginStepError, LoginStepErrorCode } from './login-step.error';
import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/access/public.decorator';
import { Problems } from '../../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../../common/http/request-meta';
import { RequestOrigin } from '../../common/http/request-origin';
import { Transactional } from '../../database/transaction-mode.decorator';
import { RequestOptionsDto } from '../../mfa/dto/webauthn-options.dto';
import { MfaMethod } from '../../common/access/mfa-method';
import { AuthCookies, SESSION_COOKIE_HEADERS } from '../auth-cookies';
import { AuthError, AuthErrorCode } from '../auth.error';
import { TokenResponseDto } from '../dto/token-response.dto';
import { VerifyMfaDto } from '../dto/verify-mfa.dto';
import { WebAuthnLoginOptionsDto } from '../dto/webauthn-login-options.dto';
import { LoginThrottlerGuard } from '../guards/login-throttler.guard';
import { LoginResponder } from './login-responder';
import { SecondFactorStepService } from './second-factor-step.service';

/**
 * The second step of a login (a code, or a passkey with its options): it answers exactly as POST /auth/login
 * does when no factor is needed.
 */
@ApiTags('auth')
@Controller('auth')
export class SecondFactorLoginController {
  constructor(
    private readonly secondStep: SecondFactorStepService,
    private readonly responder: LoginResponder,
    private readonly cookies: AuthCookies,
  ) {}

  @Post('mfa/webauthn/options')
  @Transactional()
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @ApiOperation({
    summary:
      "Passkey options for the MFA_REQUIRED challenge (mfa_token or the aegis_mfa cookie): the user's passkeys and a single-use challenge; answer at POST /auth/mfa/verify with method webauthn",
  })
  @ApiOkResponse({ type: RequestOptionsDto })
  @Problems(
    new LoginStepError(LoginStepErrorCode.ChallengeExpired),
    new LoginStepError(LoginStepErrorCode.MethodNotEnrolled),
    new AuthError(AuthErrorCode.LoginRateLimited, { retryAfterSeconds: 60 }),
  )
  async secondFactorPasskeyOptions(
    @Body() body: WebAuthnLoginOptionsDto,
    @Req() request: FastifyRequest,
    @RequestOrigin() origin: string | undefined,
  ): Promise<RequestOptionsDto> {
    return (await this.secondStep.passkeyOptions(
      body.mfa_token ?? this.cookies.mfaToken(request),
      origin,
    )) as RequestOptionsDto;
  }

  @Post('mfa/verify')
  @Transactional()
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @ApiOperation({
    summary:
      'Answer the MFA_REQUIRED challenge (mfa_token or the aegis_mfa cookie) with a code or a passkey: a login response',
  })
  @ApiOkResponse({ type: TokenResponseDto, headers: SESSION_COOKIE_HEADERS })
  @Problems(
    new LoginStepError(LoginStepErrorCode.CodeInvalid),
    new LoginStepError(LoginStepErrorCode.CodeReused),
    new LoginStepError(LoginStepErrorCode.MethodNotEnrolled),
    new LoginStepError(LoginStepErrorCode.ChallengeExpired),
    new LoginStepError(LoginStepErrorCode.WebAuthnChallengeInvalid),
    new LoginStepError(LoginStepErrorCode.WebAuthnResponseInvalid),
    new LoginStepError(LoginStepErrorCode.PasskeyCounterRewound),
    new AuthError(AuthErrorCode.LoginRateLimited, { retryAfterSeconds: 60 }),
    new AuthError(AuthErrorCode.AccountThrottled, { retryAfterSeconds: 60 }),
  )
  async verifySecondFactor(
    @Body() body: VerifyMfaDto,
    @Req() request: FastifyRequest,
    @ClientMeta() meta: RequestMeta,
    @RequestOrigin() origin: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const token = body.mfa_token ?? this.cookies.mfaToken(request);
    const outcome =
      body.method === MfaMethod.WebAuthn
        ? await this.secondStep.withWebAuthn(token, body.response!, origin, meta)
        : await this.secondStep.withCode(token, body.method, body.code ?? '', meta);
    return this.responder.answer(outcome, reply);
  }
}
