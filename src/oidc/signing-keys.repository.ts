import { Injectable } from '@nestjs/common';
import { IsNull, LessThan } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { OidcSigningKey } from './entities/oidc-signing-key.entity';

@Injectable()
export class SigningKeysRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Active keys first (newest first), then retired ones: the provider signs with the first key of an algorithm. */
  all(): Promise<OidcSigningKey[]> {
    return this.unitOfWork.join(async () => {
      const keys = await (
        await this.unitOfWork.manager()
      ).find(OidcSigningKey, {
        order: { createdAt: 'DESC' },
      });
      return [...keys.filter((key) => !key.retiredAt), ...keys.filter((key) => key.retiredAt)];
    });
  }

  async insert(key: OidcSigningKey): Promise<void> {
    await (await this.unitOfWork.manager()).insert(OidcSigningKey, key);
  }

  /** Retires the active keys of an algorithm (the one just added excepted). */
  async retireActive(alg: string, exceptKid: string, at: Date): Promise<void> {
    const manager = await this.unitOfWork.manager();
    const active = await manager.findBy(OidcSigningKey, { alg, retiredAt: IsNull() });
    for (const key of active.filter((candidate) => candidate.kid !== exceptKid))
      await manager.update(OidcSigningKey, { kid: key.kid }, { retiredAt: at });
  }

  /** Deletes keys retired before `before`: every token they signed has expired. */
  async deleteRetiredBefore(before: Date): Promise<number> {
    const result = await (
      await this.unitOfWork.manager()
    ).delete(OidcSigningKey, {
      retiredAt: LessThan(before),
    });
    return result.affected ?? 0;
  }
}
