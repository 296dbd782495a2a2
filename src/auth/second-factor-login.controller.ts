import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/access/public.decorator';
import { ProblemDetailsDto } from '../common/errors/problem-details.dto';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { Transactional } from '../database/transaction-mode.decorator';
import { AuthCookies } from './auth-cookies';
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
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({
    type: ProblemDetailsDto,
    description:
      'MFA_CODE_INVALID, MFA_CODE_REUSED (a TOTP step is accepted once), MFA_METHOD_NOT_ENROLLED, or MFA_CHALLENGE_EXPIRED (5 minutes, 5 wrong codes: sign in again)',
  })
  @ApiTooManyRequestsResponse({
    type: ProblemDetailsDto,
    description: 'Too many failed attempts for this account (wrong codes count), or from this IP',
  })
  async verify(
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
