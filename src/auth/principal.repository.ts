import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { Session } from '../sessions/entities/session.entity';
import { User } from '../users/entities/user.entity';
import type { Principal } from './principal';

/**
 * The check behind every authenticated request: a session and its user, read in one query (a join) instead of
 * two. Lives in auth, which knows both sessions and users; neither of those modules knows the other.
 */
@Injectable()
export class PrincipalRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async findBySessionId(sessionId: string): Promise<Principal | null> {
    const manager = await this.unitOfWork.manager();
    const row: (Session & { user?: User }) | null = await manager
      .createQueryBuilder(Session, 's')
      .innerJoinAndMapOne('s.user', User, 'u', 'u.id = s.user_id')
      .where('s.id = :id', { id: sessionId })
      .getOne();
    if (!row?.user) return null;
    const { user } = row;
    delete row.user;
    return { session: row, user };
  }
}
