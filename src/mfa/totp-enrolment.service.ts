import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { toString as qrToString } from 'qrcode';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { AuthMethod } from '../common/access/authentication-method';
import type { Principal } from '../common/access/principal';
import { Clock } from '../common/clock';
import type { RequestMeta } from '../common/http/request-meta';
import { AppConfig } from '../config/app-config';
import { SessionsService } from '../sessions/sessions.service';
import { FactorKind, MfaFactor } from './entities/mfa-factor.entity';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { MfaFactorsService } from './mfa-factors.service';
import { MfaError, MfaErrorCode } from './mfa.error';
import { secretBinding } from './second-factor.service';
import { SecretBox } from '../common/crypto/secret-box';
import { matchingStep, newTotpSecret, otpauthUri } from './totp';

export interface PendingTotp {
  id: string;
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

/** The issuer shown in authenticator apps: the public host when known, else the product name. */
function issuerOf(config: AppConfig): string {
  return config.publicUrl ? `Aegis (${new URL(config.publicUrl).host})` : 'Aegis';
}

/** Enrols an authenticator app: a pending secret, then a first right code that confirms it. */
@Injectable()
export class TotpEnrolmentService {
  private readonly issuer: string;

  constructor(
    private readonly factors: MfaFactorsRepository,
    private readonly overview: MfaFactorsService,
    private readonly sessions: SessionsService,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.issuer = issuerOf(config);
  }

  /**
   * A new pending secret (one authenticator app per account: a second is refused until the first is
   * removed; an earlier pending one is replaced). The secret is returned this once, and stored encrypted.
   */
  async begin(principal: Principal, label: string | undefined): Promise<PendingTotp> {
    const userId = principal.user.id;
    const confirmed = await this.factors.findConfirmed(userId);
    if (confirmed.some((factor) => factor.kind === FactorKind.Totp))
      throw new MfaError(MfaErrorCode.TotpAlreadyEnrolled);
    await this.factors.deletePending(userId, FactorKind.Totp);
    const secret = newTotpSecret();
    const factor = Object.assign(new MfaFactor(), {
      id: randomUUID(),
      userId,
      kind: FactorKind.Totp,
      label: label ?? 'Authenticator app',
      lastStep: null,
      credentialId: null,
      publicKey: null,
      signCount: null,
      transports: null,
      confirmedAt: null,
      createdAt: this.clock.now(),
      lastUsedAt: null,
    });
    factor.secretCiphertext = this.box.seal(secret, secretBinding(factor));
    await this.factors.insert(factor);
    const uri = otpauthUri(secret, this.issuer, principal.user.username);
    return {
      id: factor.id,
      secret,
      otpauthUri: uri,
      qrSvg: await qrToString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    };
  }

  /**
   * Confirms a pending secret with a code from the app. The first factor of an account comes with 10 recovery
   * codes (returned this once); a later one with none. The code is a factor check: this session counts as
   * multi-factor from now on.
   */
  async confirm(
    principal: Principal,
    factorId: string,
    code: string,
    meta: RequestMeta,
  ): Promise<string[]> {
    const userId = principal.user.id;
    const factor = await this.factors.findOfUser(userId, factorId);
    if (factor?.kind !== FactorKind.Totp || factor.confirmedAt || !factor.secretCiphertext)
      throw new MfaError(MfaErrorCode.FactorNotFound);
    const now = this.clock.now();
    const secret = this.box.open(factor.secretCiphertext, secretBinding(factor));
    const step = matchingStep(secret, code.trim(), now.getTime());
    if (step === null) throw new MfaError(MfaErrorCode.EnrolmentCodeInvalid);
    const first = !(await this.overview.hasFactor(userId));
    if (!(await this.factors.confirm(userId, factor.id, step, now)))
      throw new MfaError(MfaErrorCode.FactorNotFound);
    const recoveryCodes = first ? await this.overview.issueRecoveryCodes(userId) : [];
    await this.sessions.recordAuthentication(principal.session, AuthMethod.OneTimeCode);
    await this.audit.record({
      action: AuditAction.MfaEnrolled,
      outcome: 'success',
      actorUserId: userId,
      actorUsername: principal.user.username,
      targetUsername: principal.user.username,
      resourceType: 'mfa_factor',
      resourceId: factor.id,
      details: { kind: FactorKind.Totp, recovery_codes_issued: recoveryCodes.length },
      meta,
    });
    return recoveryCodes;
  }
}
