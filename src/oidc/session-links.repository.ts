import { Injectable } from '@nestjs/common';
import { Brackets, In, IsNull } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { Session } from '../sessions/entities/session.entity';
import { User } from '../users/entities/user.entity';
import { OidcSessionLink } from './entities/oidc-session-link.entity';

@Injectable()
export class SessionLinksRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  insert(link: OidcSessionLink): Promise<void> {
    return this.unitOfWork.join(async () => {
      await (await this.unitOfWork.manager()).insert(OidcSessionLink, link);
    });
  }

  findByGrant(grantId: string): Promise<OidcSessionLink | null> {
    return this.unitOfWork.join(async () =>
      (await this.unitOfWork.manager()).findOneBy(OidcSessionLink, { grantId }),
    );
  }

  findOpenByProviderSession(uid: string): Promise<OidcSessionLink[]> {
    return this.unitOfWork.join(async () =>
      (await this.unitOfWork.manager()).findBy(OidcSessionLink, {
        providerSessionUid: uid,
        endedAt: IsNull(),
      }),
    );
  }

  findOpen(
    where: { aegisSessionIds: string[] } | { userId: string } | 'all',
  ): Promise<OidcSessionLink[]> {
    return this.unitOfWork.join(async () =>
      (await this.unitOfWork.manager()).findBy(OidcSessionLink, {
        endedAt: IsNull(),
        ...(where === 'all'
          ? {}
          : 'userId' in where
            ? { userId: where.userId }
            : { aegisSessionId: In(where.aegisSessionIds) }),
      }),
    );
  }

  /**
   * The Aegis sessions behind open links that are no longer live at `now` — revoked (by any process), idle or
   * absolutely expired, deleted, or their user disabled — in one query, whatever the number of open links. The
   * same rule as isSessionLiveAt and the principal check.
   */
  findEndedAegisSessions(now: Date): Promise<string[]> {
    return this.unitOfWork.join(async () => {
      const rows = await (
        await this.unitOfWork.manager()
      )
        .createQueryBuilder(OidcSessionLink, 'link')
        .select('link.aegisSessionId', 'id')
        .distinct(true)
        .leftJoin(
          Session,
          'session',
          'session.id = link.aegisSessionId AND session.userId = link.userId',
        )
        .leftJoin(User, 'account', 'account.id = session.userId')
        .where('link.endedAt IS NULL')
        .andWhere(
          new Brackets((ended) =>
            ended
              .where('session.id IS NULL')
              .orWhere('session.revokedAt IS NOT NULL')
              .orWhere('session.idleExpiresAt <= :now')
              .orWhere('session.absoluteExpiresAt <= :now')
              .orWhere('account.isActive = :inactive'),
          ),
          { now, inactive: false },
        )
        .getRawMany<{ id: string }>();
      return rows.map((row) => row.id);
    });
  }

  setProviderSession(grantId: string, uid: string): Promise<void> {
    return this.unitOfWork.join(async () => {
      await (
        await this.unitOfWork.manager()
      ).update(
        OidcSessionLink,
        { grantId, providerSessionUid: IsNull() },
        { providerSessionUid: uid },
      );
    });
  }

  /** Moves the open links of one Aegis session of `userId` to another session of theirs. */
  moveOpen(fromSessionId: string, toSessionId: string, userId: string): Promise<void> {
    return this.unitOfWork.join(async () => {
      await (
        await this.unitOfWork.manager()
      ).update(
        OidcSessionLink,
        { aegisSessionId: fromSessionId, userId, endedAt: IsNull() },
        { aegisSessionId: toSessionId },
      );
    });
  }

  /** Marks a link ended; false when another instance (or an earlier notice) ended it first. */
  markEnded(grantId: string, at: Date): Promise<boolean> {
    return this.unitOfWork.join(async () => {
      const result = await (
        await this.unitOfWork.manager()
      ).update(OidcSessionLink, { grantId, endedAt: IsNull() }, { endedAt: at });
      return result.affected === 1;
    });
  }

  /** Deletes links ended before `before` (their grants and tokens are gone). */
  purgeEndedBefore(before: Date): Promise<number> {
    return this.unitOfWork.join(async () => {
      const result = await (
        await this.unitOfWork.manager()
      )
        .createQueryBuilder()
        .delete()
        .from(OidcSessionLink)
        .where('ended_at < :before', { before })
        .execute();
      return result.affected ?? 0;
    });
  }
}
