import { Injectable } from '@nestjs/common';
import { In, LessThan, Not } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { OidcPayload } from './entities/oidc-payload.entity';

/** The provider's artifacts. Every call joins the caller's unit of work or runs as one of its own. */
@Injectable()
export class OidcPayloadRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  upsert(row: OidcPayload): Promise<void> {
    return this.unitOfWork.join(async () => {
      await (await this.unitOfWork.manager()).upsert(OidcPayload, row, ['model', 'id']);
    });
  }

  find(model: string, id: string): Promise<OidcPayload | null> {
    return this.unitOfWork.join(async () =>
      (await this.unitOfWork.manager()).findOneBy(OidcPayload, { model, id }),
    );
  }

  findBy(
    model: string,
    where: { uid: string } | { userCode: string },
  ): Promise<OidcPayload | null> {
    return this.unitOfWork.join(async () =>
      (await this.unitOfWork.manager()).findOneBy(OidcPayload, { model, ...where }),
    );
  }

  consume(model: string, id: string, at: Date): Promise<void> {
    return this.unitOfWork.join(async () => {
      await (
        await this.unitOfWork.manager()
      ).update(OidcPayload, { model, id }, { consumedAt: at });
    });
  }

  destroy(model: string, id: string): Promise<void> {
    return this.unitOfWork.join(async () => {
      await (await this.unitOfWork.manager()).delete(OidcPayload, { model, id });
    });
  }

  /** Every artifact issued under a grant (codes, tokens), of the given models. */
  destroyByGrant(models: readonly string[], grantId: string): Promise<void> {
    return this.unitOfWork.join(async () => {
      await (
        await this.unitOfWork.manager()
      ).delete(OidcPayload, {
        model: In([...models]),
        grantId,
      });
    });
  }

  destroySessionByUid(uid: string): Promise<void> {
    return this.unitOfWork.join(async () => {
      await (await this.unitOfWork.manager()).delete(OidcPayload, { model: 'Session', uid });
    });
  }

  /**
   * Deletes every artifact but those of the `kept` models (grants, sessions, codes, tokens, …): every sign-in the
   * provider knows ends. Returns how many rows of each model went.
   */
  destroyAllBut(kept: readonly string[]): Promise<Record<string, number>> {
    return this.unitOfWork.join(async () => {
      const manager = await this.unitOfWork.manager();
      const counts = await manager
        .createQueryBuilder(OidcPayload, 'p')
        .select('p.model', 'model')
        .addSelect('COUNT(*)', 'count')
        .where('p.model NOT IN (:...kept)', { kept })
        .groupBy('p.model')
        .getRawMany<{ model: string; count: string | number }>();
      await manager.delete(OidcPayload, { model: Not(In([...kept])) });
      return Object.fromEntries(counts.map((row) => [row.model, Number(row.count)]));
    });
  }

  /** Deletes expired rows; returns how many. */
  purgeExpired(now: Date): Promise<number> {
    return this.unitOfWork.join(async () => {
      const result = await (
        await this.unitOfWork.manager()
      ).delete(OidcPayload, {
        expiresAt: LessThan(now),
      });
      return result.affected ?? 0;
    });
  }
}
