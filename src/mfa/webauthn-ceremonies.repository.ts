import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { UnitOfWork } from '../database/unit-of-work';
import { CeremonyPurpose, WebAuthnCeremony } from './entities/webauthn-ceremony.entity';
import { hashChallenge, WEBAUTHN_CEREMONY_TTL_MS } from './webauthn-credentials';

/** Who may answer a registration ceremony: the user and the session that asked for it. */
export interface CeremonyBinding {
  userId: string;
  sessionId: string;
}

@Injectable()
export class WebAuthnCeremoniesRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * Stores a new ceremony for `challenge` (only its hash), living WEBAUTHN_CEREMONY_TTL_MS, bound to a user and
   * session when given; expired ones are deleted on the way.
   */
  async open(
    challenge: string,
    purpose: CeremonyPurpose,
    nowMs: number,
    binding: CeremonyBinding | null = null,
  ): Promise<void> {
    await this.deleteExpiredBefore(nowMs);
    const ceremony = Object.assign(new WebAuthnCeremony(), {
      id: randomUUID(),
      challengeHash: hashChallenge(challenge),
      purpose,
      userId: binding?.userId ?? null,
      sessionId: binding?.sessionId ?? null,
      createdAtMs: nowMs,
      expiresAtMs: nowMs + WEBAUTHN_CEREMONY_TTL_MS,
    });
    await (await this.unitOfWork.manager()).insert(WebAuthnCeremony, ceremony);
  }

  /**
   * Spends a ceremony in one conditional DELETE: it matches only a live one of this purpose (and, for a
   * registration, of this user and session), so a challenge is accepted once, whichever instance sees it.
   */
  async take(
    challengeHash: string,
    purpose: CeremonyPurpose,
    nowMs: number,
    binding?: CeremonyBinding,
  ): Promise<boolean> {
    let query = (await this.unitOfWork.manager())
      .createQueryBuilder()
      .delete()
      .from(WebAuthnCeremony)
      .where('challenge_hash = :challengeHash', { challengeHash })
      .andWhere('purpose = :purpose', { purpose })
      .andWhere('expires_at_ms > CAST(:now AS BIGINT)', { now: nowMs });
    if (binding)
      query = query
        .andWhere('user_id = :userId', { userId: binding.userId })
        .andWhere('session_id = :sessionId', { sessionId: binding.sessionId });
    return (await query.execute()).affected === 1;
  }

  async deleteExpiredBefore(nowMs: number): Promise<number> {
    const result = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder()
      .delete()
      .from(WebAuthnCeremony)
      .where('expires_at_ms < CAST(:now AS BIGINT)', { now: nowMs })
      .execute();
    return result.affected ?? 0;
  }

  async deleteAllOfUser(userId: string): Promise<void> {
    await (await this.unitOfWork.manager()).delete(WebAuthnCeremony, { userId });
  }
}
