import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/access/public.decorator';
import { ProblemDetailsDto } from '../common/errors/problem-details.dto';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { RequestOrigin } from '../common/http/request-origin';
import { Transactional } from '../database/transaction-mode.decorator';
import { RequestOptionsDto } from '../mfa/dto/webauthn-options.dto';
import { MfaMethod } from '../mfa/second-factor.service';
import { WebAuthnAssertionsService } from '../mfa/webauthn-assertions.service';
import { AuthCookies } from './auth-cookies';
import { TokenResponseDto } from './dto/token-response.dto';
import { VerifyMfaDto } from './dto/verify-mfa.dto';
import { WebAuthnLoginOptionsDto } from './dto/webauthn-login-options.dto';
import { LoginThrottlerGuard } from './guards/login-throttler.guard';
import { LoginResponder } from './login-responder';
import { LoginService } from './login.service';

/**
 * The second step of a login (a code, or a passkey with its options): it answers exactly as POST /auth/login
 * does when no factor is needed.
 */
@ApiTags('auth')
@Controller('auth')
export class SecondFactorLoginController {
  constructor(
    private readonly login: LoginService,
    private readonly responder: LoginResponder,
    private readonly cookies: AuthCookies,
    private readonly webauthn: WebAuthnAssertionsService,
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
  @ApiUnauthorizedResponse({
    type: ProblemDetailsDto,
    description:
      'MFA_CHALLENGE_EXPIRED (no live challenge: sign in again), MFA_METHOD_NOT_ENROLLED (the account has no passkey)',
  })
  @ApiTooManyRequestsResponse({
    type: ProblemDetailsDto,
    description: 'Too many requests from this IP',
  })
  async webauthnOptions(
    @Body() body: WebAuthnLoginOptionsDto,
    @Req() request: FastifyRequest,
    @RequestOrigin() origin: string | undefined,
  ): Promise<RequestOptionsDto> {
    return (await this.webauthn.secondFactorOptions(
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
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({
    type: ProblemDetailsDto,
    description:
      "MFA_CODE_INVALID, MFA_CODE_REUSED (a TOTP step is accepted once), MFA_METHOD_NOT_ENROLLED, MFA_CHALLENGE_EXPIRED (5 minutes, 5 wrong answers: sign in again); for webauthn: WEBAUTHN_CHALLENGE_INVALID (no options asked, or already answered: ask again), WEBAUTHN_RESPONSE_INVALID (not one of the account's passkeys, or the signature, origin or RP ID does not verify), PASSKEY_COUNTER_REWOUND (the signature counter went backwards: refused and audited)",
  })
  @ApiBadRequestResponse({
    type: ProblemDetailsDto,
    description:
      'VALIDATION_FAILED: code missing for totp/recovery_code, response missing for webauthn',
  })
  @ApiTooManyRequestsResponse({
    type: ProblemDetailsDto,
    description: 'Too many failed attempts for this account (wrong codes count), or from this IP',
  })
  async verify(
    @Body() body: VerifyMfaDto,
    @Req() request: FastifyRequest,
    @ClientMeta() meta: RequestMeta,
    @RequestOrigin() origin: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const token = body.mfa_token ?? this.cookies.mfaToken(request);
    const outcome =
      body.method === MfaMethod.WebAuthn
        ? await this.login.withWebAuthn(
            token,
            body.response as unknown as AuthenticationResponseJSON,
            origin,
            meta,
          )
        : await this.login.withCode(token, body.method, body.code ?? '', meta);
    return this.responder.answer(outcome, reply);
  }
}
