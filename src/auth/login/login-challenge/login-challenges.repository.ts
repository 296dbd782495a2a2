import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../database/unit-of-work';
import { LoginChallenge } from './login-challenge.entity';

@Injectable()
export class LoginChallengesRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async insert(challenge: LoginChallenge): Promise<void> {
    await (await this.unitOfWork.manager()).insert(LoginChallenge, challenge);
  }

  /**
   * Takes one of the challenge's attempts in one conditional statement: it matches only a live challenge
   * (not expired, not used) with attempts left, so parallel guesses never get more than `maxAttempts` between
   * them, whichever instance they reach. Returns the challenge as it is after the count, or null.
   */
  async takeAttempt(
    tokenHash: string,
    nowMs: number,
    maxAttempts: number,
  ): Promise<LoginChallenge | null> {
    const manager = await this.unitOfWork.manager();
    const result = await manager
      .createQueryBuilder()
      .update(LoginChallenge)
      .set({ attempts: () => 'attempts + 1' })
      .where('token_hash = :tokenHash', { tokenHash })
      .andWhere('attempts < CAST(:max AS INTEGER)', { max: maxAttempts })
      .andWhere('expires_at_ms > CAST(:now AS BIGINT)', { now: nowMs })
      .andWhere('consumed_at_ms IS NULL')
      .execute();
    if (result.affected !== 1) return null;
    return manager.findOneBy(LoginChallenge, { tokenHash });
  }

  /** A live challenge, read without spending an attempt (to start a WebAuthn ceremony). */
  async findLive(
    tokenHash: string,
    nowMs: number,
    maxAttempts: number,
  ): Promise<LoginChallenge | null> {
    const challenge = await (
      await this.unitOfWork.manager()
    ).findOneBy(LoginChallenge, { tokenHash });
    return challenge &&
      challenge.consumedAtMs === null &&
      challenge.expiresAtMs > nowMs &&
      challenge.attempts < maxAttempts
      ? challenge
      : null;
  }

  async setWebAuthnChallenge(id: string, webauthnChallenge: string): Promise<void> {
    await (await this.unitOfWork.manager()).update(LoginChallenge, { id }, { webauthnChallenge });
  }

  /** Spends the WebAuthn challenge of a login challenge, once: false when it is not the one stored (or gone). */
  async spendWebAuthnChallenge(id: string, webauthnChallenge: string): Promise<boolean> {
    const result = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder()
      .update(LoginChallenge)
      .set({ webauthnChallenge: null })
      .where('id = :id', { id })
      .andWhere('webauthn_challenge = :webauthnChallenge', { webauthnChallenge })
      .execute();
    return result.affected === 1;
  }

  /** Marks the challenge used, once: false when another request already completed it. */
  async consume(id: string, nowMs: number): Promise<boolean> {
    const result = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder()
      .update(LoginChallenge)
      .set({ consumedAtMs: nowMs })
      .where('id = :id', { id })
      .andWhere('consumed_at_ms IS NULL')
      .execute();
    return result.affected === 1;
  }

  async deleteExpiredBefore(nowMs: number): Promise<number> {
    const result = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder()
      .delete()
      .from(LoginChallenge)
      .where('expires_at_ms < CAST(:now AS BIGINT)', { now: nowMs })
      .execute();
    return result.affected ?? 0;
  }

  async deleteAllOfUser(userId: string): Promise<void> {
    await (await this.unitOfWork.manager()).delete(LoginChallenge, { userId });
  }
}
