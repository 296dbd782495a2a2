import { Injectable } from '@nestjs/common';
import { IsNull, Not } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { FactorKind, MfaFactor } from './entities/mfa-factor.entity';

@Injectable()
export class MfaFactorsRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async insert(factor: MfaFactor): Promise<void> {
    await (await this.unitOfWork.manager()).insert(MfaFactor, factor);
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

  /** Confirms a pending factor; false when it was already confirmed (or is gone). */
  async confirm(id: string, step: number, now: Date): Promise<boolean> {
    const result = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder()
      .update(MfaFactor)
      .set({ confirmedAt: now, lastStep: step, lastUsedAt: now })
      .where('id = :id', { id })
      .andWhere('confirmed_at IS NULL')
      .execute();
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

  /** Removes the user's pending (never confirmed) factors of a kind. */
  async deletePending(userId: string, kind: FactorKind): Promise<void> {
    await (
      await this.unitOfWork.manager()
    ).delete(MfaFactor, { userId, kind, confirmedAt: IsNull() });
  }

  async deleteOfUser(userId: string, id: string): Promise<boolean> {
    const result = await (await this.unitOfWork.manager()).delete(MfaFactor, { id, userId });
    return (result.affected ?? 0) > 0;
  }

  /** Every factor of the user, pending ones included; returns how many confirmed ones there were. */
  async deleteAllOfUser(userId: string): Promise<number> {
    const confirmed = await this.countConfirmed(userId);
    await (await this.unitOfWork.manager()).delete(MfaFactor, { userId });
    return confirmed;
  }
}
