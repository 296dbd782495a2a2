import { Injectable } from '@nestjs/common';
import type { PrincipalUser } from '../common/access/principal';
import { UnitOfWork } from '../database/unit-of-work';
import { Session } from './entities/session.entity';

/** A session with the account it belongs to, as the database says right now. */
export interface SessionPrincipal {
  session: Session;
  user: PrincipalUser;
}

/**
 * The check behind every authenticated request: a session and its user, read in one query (a join) instead of
 * two. The user is joined by its table's entity name, so sessions needs nothing from the users feature (which
 * itself uses sessions to end an account's sessions).
 */
@Injectable()
export class SessionPrincipalRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async findBySessionId(sessionId: string): Promise<SessionPrincipal | null> {
    const manager = await this.unitOfWork.manager();
    const row: (Session & { user?: PrincipalUser }) | null = await manager
      .createQueryBuilder(Session, 's')
      .innerJoinAndMapOne('s.user', 'users', 'u', 'u.id = s.user_id')
      .where('s.id = :id', { id: sessionId })
      .getOne();
    if (!row?.user) return null;
    const { user } = row;
    delete row.user;
    return { session: row, user };
  }
}
