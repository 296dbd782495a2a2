import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Problems } from '../common/errors/problems.decorator';
import { SessionError, SessionErrorCode } from '../sessions/session.error';
import { PASSWORD_POLICY_ERRORS } from '../users/password-policy';
import { AuthError, AuthErrorCode } from './auth.error';
import { SESSION_COOKIE_HEADERS } from './auth-cookies';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { AuthCookies } from './auth-cookies';
import type { VerifiedLogin } from './credential-verification.service';
import { PasswordChangeService } from './password-change.service';
import { SessionGrantsService } from './session-grants.service';
import { Authenticated } from '../common/access/authenticated.decorator';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import { Public } from '../common/access/public.decorator';
import { CurrentLogin } from './decorators/verified-login.decorator';
import { OAuthTokenEndpoint } from './decorators/oauth-token-endpoint.decorator';
import { AllowsPendingMfa } from '../common/access/second-factor-access.decorator';
import { ChangePasswordDto } from './dto/change-password.dto';
import { MeDto } from './dto/me.dto';
import { MfaRequiredDto } from './dto/mfa-required.dto';
import { MFA_REQUIRED_PROBLEM } from './login/mfa-required.error';
import { LoginResponder } from './login/login-responder';
import { LoginService } from './login/login.service';
import { DetailDto } from './dto/detail.dto';
import { LoginDto } from './dto/login.dto';
import { LogoutDto } from './dto/logout.dto';
import { RefreshDto } from './dto/refresh.dto';
import { TokenResponseDto } from './dto/token-response.dto';
import { ReadsRefreshCookie } from './guards/cookie-integrity.guard';
import { LocalAuthGuard } from './guards/local-auth.guard';
import { LoginThrottlerGuard } from './guards/login-throttler.guard';
import type { Principal } from '../common/access/principal';
import { ReadOnly, Transactional } from '../database/transaction-mode.decorator';

@ApiTags('auth')
@ApiExtraModels(MfaRequiredDto)
@Controller('auth')
export class AuthController {
  constructor(
    private readonly grants: SessionGrantsService,
    private readonly logins: LoginService,
    private readonly responder: LoginResponder,
    private readonly passwords: PasswordChangeService,
    private readonly cookies: AuthCookies,
  ) {}

  @Post('login')
  @Transactional()
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard, LocalAuthGuard)
  @OAuthTokenEndpoint()
  @ApiOperation({
    summary: 'Log in: sets the aegis_token and aegis_refresh cookies and returns the access token',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenResponseDto, headers: SESSION_COOKIE_HEADERS })
  @Problems(
    new AuthError(AuthErrorCode.InvalidCredentials),
    new AuthError(AuthErrorCode.OneTimePasswordExpired),
    MFA_REQUIRED_PROBLEM,
    new AuthError(AuthErrorCode.AccountDisabled),
    new AuthError(AuthErrorCode.LoginRateLimited, { retryAfterSeconds: 60 }),
    new AuthError(AuthErrorCode.AccountThrottled, { retryAfterSeconds: 60 }),
  )
  async login(
    @Body() body: LoginDto,
    @CurrentLogin() login: VerifiedLogin,
    @ClientMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    return this.responder.answer(
      await this.logins.afterPassword(login, meta, body.client ?? 'browser'),
      reply,
    );
  }

  @Post('refresh')
  @Transactional()
  @ReadsRefreshCookie()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'New access token from the refresh token (cookie or body); works after the access token expired',
  })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: RefreshDto, required: false })
  @ApiOkResponse({ type: TokenResponseDto, headers: SESSION_COOKIE_HEADERS })
  @Problems(
    new AuthError(AuthErrorCode.Unauthenticated),
    new SessionError(SessionErrorCode.InvalidRefreshToken),
    new SessionError(SessionErrorCode.SessionExpired),
    new SessionError(SessionErrorCode.SessionRevoked),
    new SessionError(SessionErrorCode.RefreshTokenReused),
    new AuthError(AuthErrorCode.SessionEnded),
    new AuthError(AuthErrorCode.PasswordChangeRequired),
  )
  async refreshSession(
    @Body() body: RefreshDto,
    @Req() request: FastifyRequest,
    @ClientMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const grant = await this.grants.refresh(
      body.refresh_token ?? this.cookies.refreshToken(request),
      meta,
    );
    this.cookies.issue(reply, grant);
    return TokenResponseDto.from(grant, body.refresh_token !== undefined);
  }

  @Post('logout')
  @Transactional()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'End the session behind every credential sent (cookies, bearer, refresh token)',
  })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: LogoutDto, required: false })
  @ApiOkResponse({ type: DetailDto, headers: SESSION_COOKIE_HEADERS })
  async logout(
    @Body() body: LogoutDto,
    @Req() request: FastifyRequest,
    @ClientMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DetailDto> {
    await this.grants.logout(
      {
        accessTokens: [this.cookies.accessToken(request), AuthCookies.bearerToken(request)].filter(
          (t) => t !== undefined,
        ),
        refreshTokens: [this.cookies.refreshToken(request), body.refresh_token].filter(
          (t) => t !== undefined,
        ),
      },
      meta,
    );
    this.cookies.clear(reply);
    return { detail: 'Logged out' };
  }

  @Get('me')
  @ReadOnly()
  @Authenticated({ allowPendingPasswordChange: true })
  @AllowsPendingMfa()
  @ApiOperation({ summary: 'The current user, and how this session was authenticated' })
  @ApiOkResponse({ type: MeDto })
  getCurrentUser(@CurrentPrincipal() principal: Principal): MeDto {
    return MeDto.of(principal);
  }

  @Post('change-password')
  @Transactional()
  @HttpCode(200)
  @Authenticated({ allowPendingPasswordChange: true })
  @AllowsPendingMfa()
  @ApiOperation({ summary: "Change the caller's password; ends every other session of the user" })
  @ApiOkResponse({ type: DetailDto })
  @Problems(
    new AuthError(AuthErrorCode.WrongCurrentPassword),
    new AuthError(AuthErrorCode.PasswordUnchanged),
    ...PASSWORD_POLICY_ERRORS,
    new AuthError(AuthErrorCode.AccountThrottled, { retryAfterSeconds: 60 }),
  )
  async changePassword(
    @Body() body: ChangePasswordDto,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<DetailDto> {
    await this.passwords.change(principal, body.current_password, body.new_password, meta);
    return { detail: 'Password changed successfully' };
  }
}
