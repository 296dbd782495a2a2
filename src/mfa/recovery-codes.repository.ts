import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { RecoveryCode } from './entities/recovery-code.entity';

@Injectable()
export class RecoveryCodesRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Replaces every code of the user (used or not) with these hashes. */
  async replace(userId: string, hashes: string[], now: Date): Promise<void> {
    const manager = await this.unitOfWork.manager();
    await manager.delete(RecoveryCode, { userId });
    await manager.insert(
      RecoveryCode,
      hashes.map((codeHash) => ({
        id: randomUUID(),
        userId,
        codeHash,
        createdAt: now,
        usedAt: null,
      })),
    );
  }

  /** Spends a code in one conditional statement: true once, for the first request that shows it. */
  async use(userId: string, codeHash: string, now: Date): Promise<boolean> {
    const result = await (
      await this.unitOfWork.manager()
    ).update(RecoveryCode, { userId, codeHash, usedAt: IsNull() }, { usedAt: now });
    return result.affected === 1;
  }

  async countUnused(userId: string): Promise<number> {
    return (await this.unitOfWork.manager()).countBy(RecoveryCode, { userId, usedAt: IsNull() });
  }

  /** Unspent codes per user for each of these users, in one query (users without any are absent). */
  async countUnusedOf(userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows = await (
      await this.unitOfWork.manager()
    )
      .createQueryBuilder(RecoveryCode, 'c')
      .select('c.user_id', 'userId')
      .addSelect('COUNT(*)', 'count')
      .where('c.user_id IN (:...userIds)', { userIds })
      .andWhere('c.used_at IS NULL')
      .groupBy('c.user_id')
      .getRawMany<{ userId: string; count: number | string }>();
    return new Map(rows.map((row) => [row.userId, Number(row.count)]));
  }

  async deleteAllOfUser(userId: string): Promise<void> {
    await (await this.unitOfWork.manager()).delete(RecoveryCode, { userId });
  }
}
