import { Injectable } from '@nestjs/common';
import { IsNull, Not } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { PrincipalChangePublisher } from '../events/principal-change-publisher';
import { FactorKind, MfaFactor } from './entities/mfa-factor.entity';

/**
 * The user's second factors. The principal check reads whether a user has a confirmed one (`/auth/me`'s
 * `mfa_enabled`, the role policy), so every write that can change that — a factor added, confirmed or removed —
 * goes through PrincipalChangePublisher; a factor's use (time step, signature counter) changes nothing it reads.
 */
@Injectable()
export class MfaFactorsRepository {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly principals: PrincipalChangePublisher,
  ) {}

  /**
   * Whether the user has a confirmed factor, read now: the sign-in paths and enrolment. An authenticated request
   * has the answer in its principal (read with the session), so this is off the per-request path.
   */
  async hasConfirmed(userId: string): Promise<boolean> {
    return (await this.unitOfWork.manager()).existsBy(MfaFactor, {
      userId,
      confirmedAt: Not(IsNull()),
    });
  }

  async insert(factor: MfaFactor): Promise<void> {
    const manager = await this.unitOfWork.manager();
    await this.principals.write({ userId: factor.userId }, () => manager.insert(MfaFactor, factor));
  }

  /** The user's confirmed factors, oldest first. */
  async findConfirmed(userId: string): Promise<MfaFactor[]> {
    return (await this.unitOfWork.manager()).find(MfaFactor, {
      where: { userId, confirmedAt: Not(IsNull()) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async findOfUser(userId: string, id: string): Promise<MfaFactor | null> {
    return (await this.unitOfWork.manager()).findOneBy(MfaFactor, { id, userId });
  }

  async countConfirmed(userId: string): Promise<number> {
    return (await this.unitOfWork.manager()).countBy(MfaFactor, {
      userId,
      confirmedAt: Not(IsNull()),
    });
  }

  /** How many confirmed factors of each kind each of these users has, in one query (users without any are absent). */
  async countConfirmedByKind(
    userIds: readonly string[],
  ): Promise<Array<{ userId: string; kind: FactorKind; count: number }>> {
    if (userIds.length === 0) return [];
    const rows = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder(MfaFactor, 'f')
      .select('f.user_id', 'userId')
      .addSelect('f.kind', 'kind')
      .addSelect('COUNT(*)', 'count')
      .where('f.user_id IN (:...userIds)', { userIds })
      .andWhere('f.confirmed_at IS NOT NULL')
      .groupBy('f.user_id')
      .addGroupBy('f.kind')
      .getRawMany<{ userId: string; kind: FactorKind; count: number | string }>();
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }

  /** Confirms a pending factor of the user; false when it was already confirmed (or is gone). */
  async confirm(userId: string, id: string, step: number, now: Date): Promise<boolean> {
    const manager = await this.unitOfWork.manager();
    const result = await this.principals.write({ userId }, () =>
      manager
        .createQueryBuilder()
        .update(MfaFactor)
        .set({ confirmedAt: now, lastStep: step, lastUsedAt: now })
        .where('id = :id', { id })
        .andWhere('user_id = :userId', { userId })
        .andWhere('confirmed_at IS NULL')
        .execute(),
    );
    return result.affected === 1;
  }

  /**
   * Accepts a TOTP time step for a confirmed factor in one conditional statement: only a step later than the
   * last accepted one matches, so two requests with one code (or a replay) cannot both succeed, on any
   * number of instances.
   */
  async acceptStep(id: string, step: number, now: Date): Promise<boolean> {
    const result = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder()
      .update(MfaFactor)
      .set({ lastStep: step, lastUsedAt: now })
      .where('id = :id', { id })
      .andWhere('confirmed_at IS NOT NULL')
      .andWhere('(last_step IS NULL OR last_step < CAST(:step AS BIGINT))', { step })
      .execute();
    return result.affected === 1;
  }

  async credentialExists(credentialId: string): Promise<boolean> {
    return (await this.unitOfWork.manager()).existsBy(MfaFactor, { credentialId });
  }

  /** The confirmed passkey with this credential id, whoever it belongs to (a passwordless sign-in). */
  async findPasskey(credentialId: string): Promise<MfaFactor | null> {
    return (await this.unitOfWork.manager()).findOneBy(MfaFactor, {
      credentialId,
      kind: FactorKind.WebAuthn,
      confirmedAt: Not(IsNull()),
    });
  }

  /**
   * Records a passkey's use in one conditional statement: only a signature counter above the stored one
   * matches (or 0 again, from an authenticator that keeps no counter), so an older assertion, or one from a
   * copy of the key that is behind, never moves it back, on any number of instances.
   */
  async advanceSignCount(id: string, count: number, now: Date): Promise<boolean> {
    const result = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder()
      .update(MfaFactor)
      .set({ signCount: count, lastUsedAt: now })
      .where('id = :id', { id })
      .andWhere('confirmed_at IS NOT NULL')
      .andWhere(
        '(sign_count < CAST(:count AS BIGINT) OR (sign_count = 0 AND CAST(:count AS BIGINT) = 0))',
        { count },
      )
      .execute();
    return result.affected === 1;
  }

  /** Removes the user's pending (never confirmed) factors of a kind. */
  async deletePending(userId: string, kind: FactorKind): Promise<void> {
    await (
      await this.unitOfWork.manager()
    ).delete(MfaFactor, { userId, kind, confirmedAt: IsNull() });
  }

  async deleteOfUser(userId: string, id: string): Promise<boolean> {
    const manager = await this.unitOfWork.manager();
    const result = await this.principals.write({ userId }, () =>
      manager.delete(MfaFactor, { id, userId }),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Every factor of the user, pending ones included; returns how many confirmed ones there were. */
  async deleteAllOfUser(userId: string): Promise<number> {
    const confirmed = await this.countConfirmed(userId);
    const manager = await this.unitOfWork.manager();
    await this.principals.write({ userId }, () => manager.delete(MfaFactor, { userId }));
    return confirmed;
  }
}
