import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
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
import { AllowsPendingMfa } from '../common/access/second-factor-access.decorator';
import { MfaFactorsService } from '../mfa/mfa-factors.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { MeDto } from './dto/me.dto';
import { MfaRequiredDto } from './dto/mfa-required.dto';
import { LoginResponder } from './login-responder';
import { LoginService } from './login.service';
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
@Controller('auth')
export class AuthController {
  constructor(
    private readonly grants: SessionGrantsService,
    private readonly logins: LoginService,
    private readonly responder: LoginResponder,
    private readonly passwords: PasswordChangeService,
    private readonly cookies: AuthCookies,
    private readonly factors: MfaFactorsService,
  ) {}

  @Post('login')
  @Transactional()
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard, LocalAuthGuard)
  @ApiOperation({
    summary: 'Log in: sets the aegis_token and aegis_refresh cookies and returns the access token',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({
    type: MfaRequiredDto,
    description:
      'INVALID_CREDENTIALS: incorrect username or password (one body for both); MFA_REQUIRED: the password was right and a second factor must follow at /auth/mfa/verify (mfa_token in the body and the aegis_mfa cookie; no session yet)',
  })
  @ApiForbiddenResponse({ description: 'Account disabled' })
  @ApiTooManyRequestsResponse({
    description:
      'Too many attempts from this IP, or too many failures for this account (Retry-After)',
  })
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
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({ description: 'Missing, invalid, reused or expired refresh token' })
  @ApiForbiddenResponse({ description: 'Password change required' })
  async refresh(
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
  @ApiOkResponse({ type: DetailDto })
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
  async me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return MeDto.of(principal, await this.factors.hasFactor(principal.user.id));
  }

  @Post('change-password')
  @Transactional()
  @HttpCode(200)
  @Authenticated({ allowPendingPasswordChange: true })
  @AllowsPendingMfa()
  @ApiOperation({ summary: "Change the caller's password; ends every other session of the user" })
  @ApiOkResponse({ type: DetailDto })
  @ApiBadRequestResponse({
    description: 'Wrong current password, or the new one breaks a named rule',
  })
  @ApiTooManyRequestsResponse({
    description: 'Too many failed password attempts for this account (Retry-After)',
  })
  async changePassword(
    @Body() body: ChangePasswordDto,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<DetailDto> {
    await this.passwords.change(principal, body.current_password, body.new_password, meta);
    return { detail: 'Password changed successfully' };
  }
}
