import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
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
import { RequestOrigin } from '../common/http/request-origin';
import { Transactional } from '../database/transaction-mode.decorator';
import { RequestOptionsDto } from '../mfa/dto/webauthn-options.dto';
import { AuthCookies } from './auth-cookies';
import { PasskeyLoginDto } from './dto/passkey-login.dto';
import { TokenResponseDto } from './dto/token-response.dto';
import { LoginThrottlerGuard } from './guards/login-throttler.guard';
import { LoginResponder } from './login-responder';
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
  @ApiTooManyRequestsResponse({
    type: ProblemDetailsDto,
    description: 'Too many requests from this IP',
  })
  async options(@RequestOrigin() origin: string | undefined): Promise<RequestOptionsDto> {
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
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({
    type: ProblemDetailsDto,
    description:
      'WEBAUTHN_CHALLENGE_INVALID (unknown, expired or already answered: ask for new options), WEBAUTHN_RESPONSE_INVALID (unknown passkey, or signature, user verification, origin or RP ID does not verify), PASSKEY_COUNTER_REWOUND (the signature counter went backwards: refused and audited), ONE_TIME_PASSWORD_EXPIRED',
  })
  @ApiBadRequestResponse({
    type: ProblemDetailsDto,
    description: 'VALIDATION_FAILED: the response is missing or not credential JSON',
  })
  @ApiForbiddenResponse({ type: ProblemDetailsDto, description: 'ACCOUNT_DISABLED' })
  @ApiTooManyRequestsResponse({
    type: ProblemDetailsDto,
    description:
      'ACCOUNT_THROTTLED: the account is locked after failed attempts (Retry-After), or too many requests from this IP',
  })
  async login(
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
