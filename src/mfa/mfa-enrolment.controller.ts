import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '../common/access/authenticated.decorator';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import type { Principal } from '../common/access/principal';
import {
  AllowsPendingMfa,
  RequiresRecentAuthentication,
} from '../common/access/second-factor-access.decorator';
import { Problems } from '../common/errors/problems.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { ReadOnly, Transactional } from '../database/transaction-mode.decorator';
import { BeginTotpDto } from './dto/begin-totp.dto';
import { ConfirmTotpDto } from './dto/confirm-totp.dto';
import { FactorsDto } from './dto/factors.dto';
import { PendingTotpDto } from './dto/pending-totp.dto';
import { RecoveryCodesDto } from './dto/recovery-codes.dto';
import { MfaFactorsService } from './mfa-factors.service';
import { MfaError, MfaErrorCode } from './mfa.error';
import { TotpEnrolmentService } from './totp-enrolment.service';

/** The caller's own second factors. Reachable before a required factor is enrolled (that is what it is for). */
@ApiTags('mfa')
@Controller('auth/mfa')
@Authenticated()
@AllowsPendingMfa()
export class MfaEnrolmentController {
  constructor(
    private readonly factors: MfaFactorsService,
    private readonly totp: TotpEnrolmentService,
  ) {}

  @Get()
  @ReadOnly()
  @ApiOperation({
    summary: "The caller's factors (never a secret) and how many recovery codes are left",
  })
  @ApiOkResponse({ type: FactorsDto })
  async listMfaFactors(@CurrentPrincipal() principal: Principal): Promise<FactorsDto> {
    return FactorsDto.from(await this.factors.overview(principal.user.id));
  }

  @Post('totp')
  @Transactional()
  @RequiresRecentAuthentication()
  @ApiOperation({
    summary: 'Start enrolling an authenticator app: a pending secret, its otpauth URI and QR code',
  })
  @ApiCreatedResponse({ type: PendingTotpDto })
  @Problems(new MfaError(MfaErrorCode.TotpAlreadyEnrolled))
  async beginTotp(
    @Body() body: BeginTotpDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PendingTotpDto> {
    return PendingTotpDto.from(await this.totp.begin(principal, body.label));
  }

  @Post('totp/:id/confirm')
  @Transactional()
  @HttpCode(200)
  @RequiresRecentAuthentication()
  @ApiOperation({
    summary:
      'Confirm a pending authenticator app with its current code; the first factor comes with 10 recovery codes (shown once)',
  })
  @ApiOkResponse({ type: RecoveryCodesDto })
  @Problems(
    new MfaError(MfaErrorCode.EnrolmentCodeInvalid),
    new MfaError(MfaErrorCode.FactorNotFound),
  )
  async confirmTotp(
    @Param('id', UuidParamPipe) id: string,
    @Body() body: ConfirmTotpDto,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<RecoveryCodesDto> {
    return { recovery_codes: await this.totp.confirm(principal, id, body.code, meta) };
  }

  @Post('recovery-codes')
  @Transactional()
  @HttpCode(200)
  @RequiresRecentAuthentication()
  @ApiOperation({ summary: 'New recovery codes (shown once); every earlier one stops working' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  @Problems(new MfaError(MfaErrorCode.NotEnrolled))
  async regenerateRecoveryCodes(
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<RecoveryCodesDto> {
    return { recovery_codes: await this.factors.regenerateRecoveryCodes(principal, meta) };
  }

  @Delete(':id')
  @Transactional()
  @HttpCode(204)
  @RequiresRecentAuthentication()
  @ApiOperation({
    summary: "Remove one of the caller's factors (with the last one, the recovery codes go)",
  })
  @ApiNoContentResponse()
  @Problems(new MfaError(MfaErrorCode.FactorNotFound))
  async removeMfaFactor(
    @Param('id', UuidParamPipe) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.factors.remove(principal, id, meta);
  }
}
