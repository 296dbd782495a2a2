import { Injectable } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type VerifiedAuthenticationResponse,
} from '@simplewebauthn/server';
import { Clock } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { FactorKind, type MfaFactor } from './entities/mfa-factor.entity';
import { CeremonyPurpose } from './entities/webauthn-ceremony.entity';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { WebAuthnCeremoniesRepository } from './webauthn-ceremonies.repository';
import {
  counterRewound,
  credentialOf,
  hashChallenge,
  signedChallengeOf,
  transportsOf,
  WEBAUTHN_CEREMONY_TTL_MS,
} from './webauthn-credentials';
import { WebAuthnRelyingParty, type RelyingParty } from './webauthn-relying-party';

/** Why an assertion was refused (the reason of its MFA_FAILED audit row). */
export type AssertionRefusal =
  'challenge_invalid' | 'not_enrolled' | 'unknown_credential' | 'invalid' | 'counter_rewound';

export type AssertionCheck =
  | { ok: true; factor: MfaFactor; userVerified: boolean }
  | {
      ok: false;
      reason: AssertionRefusal;
      factor?: MfaFactor;
      /** For a rewound counter: what was stored and what the authenticator said. */
      signCount?: { stored: number; presented: number };
    };

/**
 * Passkey assertions: as the second factor of a login (the login keeps the WebAuthn challenge with its own
 * state and spends it; the credential must be one of that user's) and as a passwordless sign-in (a discoverable
 * credential, user verification required, the challenge in a ceremony of its own). Every challenge is single
 * use; a signature counter that does not move forward is refused. Nothing here counts attempts or audits: the
 * login decides.
 */
@Injectable()
export class WebAuthnAssertionsService {
  constructor(
    private readonly factors: MfaFactorsRepository,
    private readonly ceremonies: WebAuthnCeremoniesRepository,
    private readonly relyingParty: WebAuthnRelyingParty,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /**
   * Request options for a second factor of this user: their passkeys, user verification preferred (the password
   * was the first factor); null when they have none. The caller keeps `hashChallenge(options.challenge)` with
   * the login it belongs to and spends it when the answer comes.
   */
  async secondFactorOptions(
    userId: string,
    requestOrigin: string | undefined,
  ): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
    const passkeys = await this.passkeysOf(userId);
    if (passkeys.length === 0) return null;
    const options = await generateAuthenticationOptions({
      rpID: this.relyingParty.of(requestOrigin).id,
      allowCredentials: passkeys.map((factor) => ({
        id: factor.credentialId!,
        transports: transportsOf(factor),
      })),
      userVerification: 'preferred',
      timeout: WEBAUTHN_CEREMONY_TTL_MS,
    });
    return options;
  }

  /**
   * Checks a passkey answer given as this user's second factor, once the caller has spent the WebAuthn
   * challenge it signed (`signed`, see signedChallengeOf): the credential must be one of the user's and the
   * signature and counter must hold.
   */
  async checkSecondFactor(
    userId: string,
    response: AuthenticationResponseJSON,
    signed: string,
    requestOrigin: string | undefined,
  ): Promise<AssertionCheck> {
    const passkeys = await this.passkeysOf(userId);
    if (passkeys.length === 0) return { ok: false, reason: 'not_enrolled' };
    const factor = passkeys.find((candidate) => candidate.credentialId === response.id);
    if (!factor) return { ok: false, reason: 'unknown_credential' };
    return this.verify(factor, response, signed, this.relyingParty.of(requestOrigin), false);
  }

  /** Request options for a passwordless sign-in: any discoverable passkey of this site, user verification required. */
  async passkeyOptions(
    requestOrigin: string | undefined,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const options = await generateAuthenticationOptions({
      rpID: this.relyingParty.of(requestOrigin).id,
      userVerification: 'required',
      timeout: WEBAUTHN_CEREMONY_TTL_MS,
    });
    await this.ceremonies.open(
      options.challenge,
      CeremonyPurpose.PasskeyLogin,
      this.clock.now().getTime(),
    );
    return options;
  }

  /**
   * The first step of a passwordless sign-in: spends the ceremony the answer signed (committed at once; call
   * before the request's unit of work opens its transaction) and finds the passkey it names. The user handle,
   * when the authenticator sends one, must be that passkey's owner.
   */
  async identifyPasskey(
    response: AuthenticationResponseJSON,
  ): Promise<
    { ok: true; factor: MfaFactor; challenge: string } | { ok: false; reason: AssertionRefusal }
  > {
    const signed = signedChallengeOf(response);
    const nowMs = this.clock.now().getTime();
    const taken =
      signed !== undefined &&
      (await this.unitOfWork.runSeparately(() =>
        this.ceremonies.take(hashChallenge(signed), CeremonyPurpose.PasskeyLogin, nowMs),
      ));
    if (!taken) return { ok: false, reason: 'challenge_invalid' };
    const factor = await this.unitOfWork.runSeparately(() => this.factors.findPasskey(response.id));
    const handle = response.response.userHandle;
    if (!factor || (handle && Buffer.from(handle, 'base64url').toString() !== factor.userId))
      return { ok: false, reason: 'unknown_credential' };
    return { ok: true, factor, challenge: signed };
  }

  /** The second step: the signature (with user verification) and the counter of the passkey identified. */
  checkPasskey(
    factor: MfaFactor,
    response: AuthenticationResponseJSON,
    challenge: string,
    requestOrigin: string | undefined,
  ): Promise<AssertionCheck> {
    return this.verify(factor, response, challenge, this.relyingParty.of(requestOrigin), true);
  }

  private async verify(
    factor: MfaFactor,
    response: AuthenticationResponseJSON,
    challenge: string,
    rp: RelyingParty,
    requireUserVerification: boolean,
  ): Promise<AssertionCheck> {
    let result: VerifiedAuthenticationResponse;
    try {
      result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        // The counter is judged below, after the signature: only a genuine signature with an old counter
        // says "a copy of this key", and that is audited apart from a plain bad answer.
        credential: { ...credentialOf(factor), counter: 0 },
        requireUserVerification,
      });
    } catch {
      return { ok: false, reason: 'invalid', factor };
    }
    if (!result.verified) return { ok: false, reason: 'invalid', factor };
    const stored = factor.signCount ?? 0;
    const presented = result.authenticationInfo.newCounter;
    const rewound = {
      ok: false as const,
      reason: 'counter_rewound' as const,
      factor,
      signCount: { stored, presented },
    };
    if (counterRewound(stored, presented)) return rewound;
    // One conditional UPDATE: of two answers with the same counter (a replay racing the original), one wins.
    if (!(await this.factors.advanceSignCount(factor.id, presented, this.clock.now())))
      return rewound;
    return { ok: true, factor, userVerified: result.authenticationInfo.userVerified };
  }

  private async passkeysOf(userId: string): Promise<MfaFactor[]> {
    return (await this.factors.findConfirmed(userId)).filter(
      (factor) => factor.kind === FactorKind.WebAuthn && factor.credentialId !== null,
    );
  }
}
