import { Injectable } from '@nestjs/common';
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  type VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import { randomUUID } from 'node:crypto';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { AuthMethod } from '../common/access/authentication-method';
import type { Principal } from '../common/access/principal';
import { Clock } from '../common/clock';
import type { RequestMeta } from '../common/http/request-meta';
import { isUniqueViolation } from '../database/unique-violation';
import { UnitOfWork } from '../database/unit-of-work';
import { SessionsService } from '../sessions/sessions.service';
import { CeremonyPurpose } from './entities/webauthn-ceremony.entity';
import { FactorKind, MfaFactor } from './entities/mfa-factor.entity';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { MfaFactorsService } from './mfa-factors.service';
import { MfaError, MfaErrorCode } from './mfa.error';
import { WebAuthnCeremoniesRepository } from './webauthn-ceremonies.repository';
import {
  hashChallenge,
  signedChallengeOf,
  transportsOf,
  transportsToColumn,
  WEBAUTHN_CEREMONY_TTL_MS,
} from './webauthn-credentials';
import { WebAuthnRelyingParty } from './webauthn-relying-party';

export interface RegisteredPasskey {
  factor: MfaFactor;
  /** 10 when the passkey is the account's first factor (shown this once), else none. */
  recoveryCodes: string[];
}

/**
 * Adds a passkey to the signed-in user: creation options with a single-use challenge bound to the user and the
 * session, then the authenticator's answer, verified against that challenge, this site's origins and RP ID.
 */
@Injectable()
export class WebAuthnRegistrationService {
  constructor(
    private readonly factors: MfaFactorsRepository,
    private readonly overview: MfaFactorsService,
    private readonly ceremonies: WebAuthnCeremoniesRepository,
    private readonly relyingParty: WebAuthnRelyingParty,
    private readonly sessions: SessionsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Creation options: a discoverable credential if the authenticator can (so it also signs in without a
   * password), user verification if it can, and none of the passkeys the user already has.
   */
  async options(
    principal: Principal,
    requestOrigin: string | undefined,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const rp = this.relyingParty.of(requestOrigin);
    const { user } = principal;
    const passkeys = await this.passkeysOf(user.id);
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: user.username,
      // The user handle: the account id, stable across the user's passkeys and free of personal data.
      userID: new Uint8Array(Buffer.from(user.id)),
      userDisplayName: user.displayName ?? user.username,
      timeout: WEBAUTHN_CEREMONY_TTL_MS,
      attestationType: 'none',
      excludeCredentials: passkeys.map((factor) => ({
        id: factor.credentialId!,
        transports: transportsOf(factor),
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await this.ceremonies.open(
      options.challenge,
      CeremonyPurpose.Registration,
      this.clock.now().getTime(),
      { userId: user.id, sessionId: principal.session.id },
    );
    return options;
  }

  /**
   * Verifies the authenticator's answer and stores the passkey. The challenge is spent first, in a
   * transaction of its own, so a wrong answer uses it up too. Proving the new key is a factor check, as a
   * TOTP confirmation is: the session counts as multi-factor from now on.
   */
  async register(
    principal: Principal,
    response: RegistrationResponseJSON,
    label: string | undefined,
    meta: RequestMeta,
    requestOrigin: string | undefined,
  ): Promise<RegisteredPasskey> {
    const userId = principal.user.id;
    const challenge = signedChallengeOf(response);
    const nowMs = this.clock.now().getTime();
    const taken =
      challenge !== undefined &&
      (await this.unitOfWork.runSeparately(() =>
        this.ceremonies.take(hashChallenge(challenge), CeremonyPurpose.Registration, nowMs, {
          userId,
          sessionId: principal.session.id,
        }),
      ));
    if (!taken) throw new MfaError(MfaErrorCode.WebAuthnRegistrationInvalid);
    const rp = this.relyingParty.of(requestOrigin);
    let verification: VerifiedRegistrationResponse;
    try {
      verification = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        requireUserVerification: false,
      });
    } catch {
      throw new MfaError(MfaErrorCode.WebAuthnRegistrationInvalid);
    }
    if (!verification.verified) throw new MfaError(MfaErrorCode.WebAuthnRegistrationInvalid);
    const { credential, userVerified } = verification.registrationInfo;
    if (await this.factors.credentialExists(credential.id))
      throw new MfaError(MfaErrorCode.CredentialAlreadyRegistered);

    const now = this.clock.now();
    const factor = Object.assign(new MfaFactor(), {
      id: randomUUID(),
      userId,
      kind: FactorKind.WebAuthn,
      label: label ?? 'Passkey',
      secretCiphertext: null,
      lastStep: null,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      signCount: credential.counter,
      transports: transportsToColumn(credential.transports ?? response.response.transports),
      confirmedAt: now,
      createdAt: now,
      lastUsedAt: null,
    });
    const first = !(await this.overview.hasFactor(userId));
    try {
      await this.factors.insert(factor);
    } catch (error) {
      if (isUniqueViolation(error)) throw new MfaError(MfaErrorCode.CredentialAlreadyRegistered);
      throw error;
    }
    const recoveryCodes = first ? await this.overview.issueRecoveryCodes(userId) : [];
    await this.sessions.recordAuthentication(principal.session, AuthMethod.HardwareKey);
    await this.audit.record({
      action: AuditAction.MfaEnrolled,
      outcome: 'success',
      actorUserId: userId,
      actorUsername: principal.user.username,
      targetUsername: principal.user.username,
      resourceType: 'mfa_factor',
      resourceId: factor.id,
      details: {
        kind: FactorKind.WebAuthn,
        recovery_codes_issued: recoveryCodes.length,
        user_verified: userVerified,
      },
      meta,
    });
    return { factor, recoveryCodes };
  }

  private async passkeysOf(userId: string): Promise<MfaFactor[]> {
    return (await this.factors.findConfirmed(userId)).filter(
      (factor) => factor.kind === FactorKind.WebAuthn && factor.credentialId !== null,
    );
  }
}
