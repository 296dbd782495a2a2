import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/access/authenticated.decorator';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import type { Principal } from '../common/access/principal';
import {
  AllowsPendingMfa,
  RequiresRecentAuthentication,
} from '../common/access/second-factor-access.decorator';
import { Problems } from '../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { RequestOrigin } from '../common/http/request-origin';
import { Transactional } from '../database/transaction-mode.decorator';
import { RegisterWebAuthnDto } from './dto/register-webauthn.dto';
import { WebAuthnFactorDto } from './dto/webauthn-factor.dto';
import { CreationOptionsDto } from './dto/webauthn-options.dto';
import { MfaError, MfaErrorCode } from './mfa.error';
import { WebAuthnRegistrationService } from './webauthn-registration.service';

/** Enrolling a passkey (security key, platform authenticator, phone) as a factor of the caller's own account. */
@ApiTags('mfa')
@Controller('auth/mfa/webauthn/registration')
@Authenticated()
@AllowsPendingMfa()
export class WebAuthnEnrolmentController {
  constructor(private readonly registration: WebAuthnRegistrationService) {}

  @Post('options')
  @Transactional()
  @HttpCode(200)
  @RequiresRecentAuthentication()
  @ApiOperation({
    summary:
      'Start enrolling a passkey: creation options (resident key and user verification preferred) with a single-use challenge for this session, valid 5 minutes',
  })
  @ApiOkResponse({ type: CreationOptionsDto })
  async passkeyRegistrationOptions(
    @CurrentPrincipal() principal: Principal,
    @RequestOrigin() origin: string | undefined,
  ): Promise<CreationOptionsDto> {
    return (await this.registration.options(principal, origin)) as CreationOptionsDto;
  }

  @Post()
  @Transactional()
  @RequiresRecentAuthentication()
  @ApiOperation({
    summary:
      "Finish enrolling a passkey with the authenticator's answer; the first factor comes with 10 recovery codes (shown once)",
  })
  @ApiCreatedResponse({ type: WebAuthnFactorDto })
  @Problems(
    new MfaError(MfaErrorCode.WebAuthnRegistrationInvalid),
    new MfaError(MfaErrorCode.CredentialAlreadyRegistered),
  )
  async registerPasskey(
    @Body() body: RegisterWebAuthnDto,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
    @RequestOrigin() origin: string | undefined,
  ): Promise<WebAuthnFactorDto> {
    const { factor, recoveryCodes } = await this.registration.register(
      principal,
      body.response,
      body.label,
      meta,
      origin,
    );
    return WebAuthnFactorDto.withCodes(factor, recoveryCodes);
  }
}
