import { LoginStepError, LoginStepErrorCode } from '../login-step.error';
import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Clock } from '../../../common/clock';
import { UnitOfWork } from '../../../database/unit-of-work';
import type { LoginClient } from '../login-client';
import { SecondFactorsReset } from '../../../mfa/events/second-factors-reset.event';
import { LoginChallenge } from './login-challenge.entity';
import { LoginChallengesRepository } from './login-challenges.repository';

/** A challenge lives at most this long: enough to open an authenticator app, short enough to be useless when leaked. */
export const LOGIN_CHALLENGE_TTL_MS = 5 * 60_000;
/** Codes tried against one challenge before it dies (then the password step must be repeated). */
export const LOGIN_CHALLENGE_MAX_ATTEMPTS = 5;
const TOKEN_BYTES = 32;

/** What the password step established, carried to the second factor. */
export interface ChallengeBinding {
  userId: string;
  /** The lockout budget of the password step, charged for each wrong code too. */
  accountKey: string;
  /** The password the step verified: a change or reset before the factor voids the challenge. */
  passwordChangedAt: Date;
  client: LoginClient;
}

export interface IssuedChallenge {
  /** Opaque, 256 bits; only its SHA-256 is stored. */
  token: string;
  expiresInSeconds: number;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The state between a right password and the second factor, in the database so every instance agrees on it. */
@Injectable()
export class LoginChallengesService {
  constructor(
    private readonly challenges: LoginChallengesRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores a new challenge in a transaction of its own: the login request that asks for the factor answers
   * with an error (401 MFA_REQUIRED), and the challenge must outlive that answer. Expired ones go at the same time.
   */
  async issue(
    binding: ChallengeBinding,
    alongside?: () => Promise<void>,
  ): Promise<IssuedChallenge> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const nowMs = this.clock.now().getTime();
    const challenge = Object.assign(new LoginChallenge(), {
      id: randomUUID(),
      tokenHash: hashToken(token),
      userId: binding.userId,
      accountKey: binding.accountKey,
      passwordChangedAtMs: binding.passwordChangedAt.getTime(),
      client: binding.client,
      attempts: 0,
      webauthnChallenge: null,
      createdAtMs: nowMs,
      expiresAtMs: nowMs + LOGIN_CHALLENGE_TTL_MS,
      consumedAtMs: null,
    });
    await this.unitOfWork.runIndependently(async () => {
      await this.challenges.deleteExpiredBefore(nowMs);
      await this.challenges.insert(challenge);
      await alongside?.();
    });
    return { token, expiresInSeconds: LOGIN_CHALLENGE_TTL_MS / 1000 };
  }

  /**
   * Spends one attempt of the challenge behind `token`, committed at once (a wrong code must count whatever
   * the request does next): call it before the request's unit of work opens its transaction. A challenge
   * that is unknown, expired, used or out of attempts is MFA_CHALLENGE_EXPIRED.
   */
  async takeAttempt(token: string | undefined): Promise<LoginChallenge> {
    if (!token) throw new LoginStepError(LoginStepErrorCode.ChallengeExpired);
    const nowMs = this.clock.now().getTime();
    const challenge = await this.unitOfWork.runSeparately(() =>
      this.challenges.takeAttempt(hashToken(token), nowMs, LOGIN_CHALLENGE_MAX_ATTEMPTS),
    );
    if (!challenge) throw new LoginStepError(LoginStepErrorCode.ChallengeExpired);
    return challenge;
  }

  /** The live challenge behind `token` without spending an attempt, or MFA_CHALLENGE_EXPIRED. */
  async findLive(token: string | undefined): Promise<LoginChallenge> {
    const challenge = token
      ? await this.challenges.findLive(
          hashToken(token),
          this.clock.now().getTime(),
          LOGIN_CHALLENGE_MAX_ATTEMPTS,
        )
      : null;
    if (!challenge) throw new LoginStepError(LoginStepErrorCode.ChallengeExpired);
    return challenge;
  }

  /** Remembers (as its hash) the WebAuthn challenge the client was sent for this login; an earlier one is void. */
  setWebAuthnChallenge(challenge: LoginChallenge, webauthnChallengeHash: string): Promise<void> {
    return this.challenges.setWebAuthnChallenge(challenge.id, webauthnChallengeHash);
  }

  /**
   * Spends the login's WebAuthn challenge if `webauthnChallengeHash` is the one stored, committed at once (a
   * wrong answer uses it up too): true once. Call before the request's unit of work opens its transaction.
   */
  spendWebAuthnChallenge(
    challenge: LoginChallenge,
    webauthnChallengeHash: string,
  ): Promise<boolean> {
    return this.unitOfWork.runSeparately(() =>
      this.challenges.spendWebAuthnChallenge(challenge.id, webauthnChallengeHash),
    );
  }

  /** Completes the challenge in the request's unit of work; a second completion (a race) is MFA_CHALLENGE_EXPIRED. */
  async consume(challenge: LoginChallenge): Promise<void> {
    if (!(await this.challenges.consume(challenge.id, this.clock.now().getTime())))
      throw new LoginStepError(LoginStepErrorCode.ChallengeExpired);
  }

  /** An administrator reset the user's factors: every open challenge of theirs ends, in the reset's transaction. */
  @OnEvent(SecondFactorsReset.event, { suppressErrors: false })
  async onSecondFactorsReset({ userId }: SecondFactorsReset): Promise<void> {
    await this.challenges.deleteAllOfUser(userId);
  }
}
