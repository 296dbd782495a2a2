import { Injectable } from '@nestjs/common';
import { IsNull, LessThan, Not } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { SigningKey } from './entities/signing-key.entity';
import type { SigningKeyPurpose } from './signing-key-kinds';

/** A key without its sealed private half: what a poll reads to notice a change. */
export type SigningKeyStamp = Pick<
  SigningKey,
  'kid' | 'purpose' | 'alg' | 'activatesAt' | 'retiredAt'
>;

@Injectable()
export class SigningKeysRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** The keys of a purpose, newest first. */
  ofPurpose(purpose: SigningKeyPurpose): Promise<SigningKey[]> {
    return this.unitOfWork.join(async () =>
      (await this.unitOfWork.manager()).find(SigningKey, {
        where: { purpose },
        // Keys of one rotation share their creation time: ES256 (the default) before RS256, on every database,
        // so discovery and the JWKS list them in the same order everywhere.
        order: { createdAt: 'DESC', alg: 'ASC', kid: 'ASC' },
      }),
    );
  }

  /** The keys of a purpose without their private halves: a few short rows, cheap to read every few seconds. */
  stampsOf(purpose: SigningKeyPurpose): Promise<SigningKeyStamp[]> {
    return this.unitOfWork.join(async () =>
      (await this.unitOfWork.manager()).find(SigningKey, {
        select: { kid: true, purpose: true, alg: true, activatesAt: true, retiredAt: true },
        where: { purpose },
        order: { kid: 'ASC' },
      }),
    );
  }

  async insert(key: SigningKey): Promise<void> {
    await (await this.unitOfWork.manager()).insert(SigningKey, key);
  }

  /** Retires, at `at`, the keys of a kind not retired yet (the one just added excepted): one statement. */
  async retireOthers(
    purpose: SigningKeyPurpose,
    alg: string,
    exceptKid: string,
    at: Date,
  ): Promise<void> {
    await (
      await this.unitOfWork.manager()
    ).update(
      SigningKey,
      { purpose, alg, kid: Not(exceptKid), retiredAt: IsNull() },
      { retiredAt: at },
    );
  }

  /** Deletes keys of a purpose retired before `before`: every token they signed has expired. */
  async deleteRetiredBefore(purpose: SigningKeyPurpose, before: Date): Promise<number> {
    const result = await (
      await this.unitOfWork.manager()
    ).delete(SigningKey, { purpose, retiredAt: LessThan(before) });
    return result.affected ?? 0;
  }
}
