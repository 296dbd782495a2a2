import { Injectable } from '@nestjs/common';
import { IsNull, MoreThan, Not } from 'typeorm';
import type { SessionPosition } from './session-cursor';
import { UnitOfWork } from '../database/unit-of-work';
import { PrincipalChangePublisher } from '../events/principal-change-publisher';
import { RetiredRefreshToken } from './entities/retired-refresh-token.entity';
import { Session, SessionRevocationReason } from './entities/session.entity';
import type { Rotation, SessionWithAccount } from './refresh-rotation';
import { SessionRotationRepository } from './session-rotation.repository';

/**
 * Every write that can change the principal check (revocation, deletion, amr and auth_time) goes through
 * PrincipalChangePublisher. Not `insert` (a new id nobody has cached) nor `rotate`: rotation only pushes the idle
 * expiry later, and the principal check re-reads any cached row that would refuse.
 */
/** Sessions per UPDATE of recordUse: two parameters each, well inside every driver's limit. */
const USE_CHUNK = 400;

@Injectable()
export class SessionsRepository {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly rotations: SessionRotationRepository,
    private readonly principals: PrincipalChangePublisher,
  ) {}

  async insert(session: Session): Promise<void> {
    await (await this.unitOfWork.manager()).insert(Session, session);
  }

  async findById(id: string): Promise<Session | null> {
    return (await this.unitOfWork.manager()).findOneBy(Session, { id });
  }

  /** The session and what a refresh must know of its account, in one prepared read (see SessionRotationRepository). */
  findWithAccount(id: string): Promise<SessionWithAccount | null> {
    return this.rotations.findWithAccount(id);
  }

  /** Sessions live at `now`; the absolute-expiry index bounds the scan to the last SESSION_ABSOLUTE_TTL. */
  async countLive(now: Date): Promise<number> {
    return (await this.unitOfWork.manager()).count(Session, {
      where: {
        revokedAt: IsNull(),
        idleExpiresAt: MoreThan(now),
        absoluteExpiresAt: MoreThan(now),
      },
    });
  }

  /**
   * Rotation as one conditional statement: it succeeds only if the presented hash is still the current
   * one and the session is live, so two concurrent refreshes with one token can never both rotate.
   * A prepared statement: it runs on every refresh.
   */
  rotate(rotation: Rotation): Promise<boolean> {
    return this.rotations.rotate(rotation);
  }

  /** The user's sessions that are neither revoked nor expired at `now`, most recently used first. */
  /**
   * Moves `last_used_at` forward to each session's latest use, in one statement per chunk of sessions; a value
   * already later (a refresh since) is kept. Returns how many rows changed.
   */
  async recordUse(uses: ReadonlyArray<{ id: string; at: Date }>): Promise<number> {
    const manager = await this.unitOfWork.manager();
    // PostgreSQL types a bare parameter in CASE as text; SQLite stores instants as text already.
    const instant = (name: string) =>
      manager.dataSource.options.type === 'postgres' ? `CAST(${name} AS timestamptz)` : name;
    let changed = 0;
    for (let start = 0; start < uses.length; start += USE_CHUNK) {
      const chunk = uses.slice(start, start + USE_CHUNK);
      const parameters: Record<string, unknown> = {};
      const cases = chunk
        .map(({ id, at }, index) => {
          parameters[`id${index}`] = id;
          parameters[`at${index}`] = at;
          return `WHEN :id${index} THEN ${instant(`:at${index}`)}`;
        })
        .join(' ');
      const latest = `CASE id ${cases} END`;
      const ids = chunk.map((_use, index) => `:id${index}`).join(', ');
      const result = await manager
        .createQueryBuilder()
        .update(Session)
        .set({ lastUsedAt: () => latest })
        .where(`id IN (${ids})`)
        .andWhere(`last_used_at < ${latest}`)
        .setParameters(parameters)
        .execute();
      changed += result.affected ?? 0;
    }
    return changed;
  }

  /** One page of the user's live sessions, newest first (creation time, then id: a stable order). */
  async findLivePageForUser(
    userId: string,
    now: Date,
    page: { after?: SessionPosition; limit: number },
  ): Promise<Session[]> {
    const builder = (await this.unitOfWork.manager())
      .createQueryBuilder(Session, 's')
      .where('s.user_id = :userId', { userId })
      .andWhere('s.revoked_at IS NULL')
      .andWhere('s.idle_expires_at > :now', { now })
      .andWhere('s.absolute_expires_at > :now', { now });
    if (page.after !== undefined) {
      builder.andWhere(
        '(s.created_at < :afterCreatedAt OR (s.created_at = :afterCreatedAt AND s.id < :afterId))',
        { afterCreatedAt: page.after.createdAt, afterId: page.after.id },
      );
    }
    return builder
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .take(page.limit)
      .getMany();
  }

  /** Ends one live session of this user; false when there is none (unknown, someone else's, already ended). */
  async revokeLiveOfUser(
    userId: string,
    id: string,
    reason: SessionRevocationReason,
    now: Date,
  ): Promise<boolean> {
    const manager = await this.unitOfWork.manager();
    const result = await this.principals.write({ sessionId: id }, () =>
      manager.update(
        Session,
        {
          id,
          userId,
          revokedAt: IsNull(),
          idleExpiresAt: MoreThan(now),
          absoluteExpiresAt: MoreThan(now),
        },
        { revokedAt: now, revokedReason: reason },
      ),
    );
    return result.affected === 1;
  }

  /** Deletes sessions that ended (expired or revoked) before `endedBefore`; returns how many. */
  async deleteEndedBefore(endedBefore: Date): Promise<number> {
    const manager = await this.unitOfWork.manager();
    // Only ended sessions go, which the check refuses anyway; forgotten all the same, as the ids are not known.
    const result = await this.principals.write('all', () =>
      manager
        .createQueryBuilder()
        .delete()
        .from(Session)
        .where('absolute_expires_at < :before', { before: endedBefore })
        .orWhere('idle_expires_at < :before', { before: endedBefore })
        .orWhere('revoked_at < :before', { before: endedBefore })
        .execute(),
    );
    return result.affected ?? 0;
  }

  /** Remembers a refresh-token hash the session rotated away (a prepared statement: every refresh writes one). */
  retire(sessionId: string, hash: string, at: Date): Promise<void> {
    return this.rotations.retire(sessionId, hash, at);
  }

  async findRetired(hash: string): Promise<RetiredRefreshToken | null> {
    return (await this.unitOfWork.manager()).findOneBy(RetiredRefreshToken, { hash });
  }

  /** Renews `auth_time` and sets `amr` of a live session; false when it has ended. */
  async recordAuthentication(id: string, amr: string[], now: Date): Promise<boolean> {
    const manager = await this.unitOfWork.manager();
    const result = await this.principals.write({ sessionId: id }, () =>
      manager
        .createQueryBuilder()
        .update(Session)
        .set({ amr, authTime: now })
        .where('id = :id', { id })
        .andWhere('revoked_at IS NULL')
        .andWhere('idle_expires_at > :now', { now })
        .andWhere('absolute_expires_at > :now', { now })
        .execute(),
    );
    return result.affected === 1;
  }

  /** Ends one session; false when it had already ended. */
  async revoke(id: string, reason: SessionRevocationReason, now: Date): Promise<boolean> {
    const manager = await this.unitOfWork.manager();
    const result = await this.principals.write({ sessionId: id }, () =>
      manager.update(
        Session,
        { id, revokedAt: IsNull() },
        { revokedAt: now, revokedReason: reason },
      ),
    );
    return result.affected === 1;
  }

  /** Ends every session not yet revoked, of every user; returns how many ended. */
  async revokeAll(reason: SessionRevocationReason, now: Date): Promise<number> {
    const manager = await this.unitOfWork.manager();
    const result = await this.principals.write('all', () =>
      manager.update(Session, { revokedAt: IsNull() }, { revokedAt: now, revokedReason: reason }),
    );
    return result.affected ?? 0;
  }

  /** Ends every live session of a user, optionally but one; returns how many ended. */
  async revokeAllForUser(
    userId: string,
    reason: SessionRevocationReason,
    now: Date,
    exceptSessionId?: string,
  ): Promise<number> {
    const manager = await this.unitOfWork.manager();
    const result = await this.principals.write({ userId }, () =>
      manager.update(
        Session,
        {
          userId,
          revokedAt: IsNull(),
          ...(exceptSessionId !== undefined && { id: Not(exceptSessionId) }),
        },
        { revokedAt: now, revokedReason: reason },
      ),
    );
    return result.affected ?? 0;
  }
}
