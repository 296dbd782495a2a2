import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/access/principal';
import type { RequestMeta } from '../common/http/request-meta';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import { SessionNotFoundError } from '../sessions/session.error';
import {
  SessionsService,
  type SessionPage,
  type SessionPageRequest,
} from '../sessions/sessions.service';

/** The caller's own sessions: list them, end one, end all. */
@Injectable()
export class MySessionsService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  list(principal: Principal, page: SessionPageRequest): Promise<SessionPage> {
    return this.sessions.listLive(principal.user.id, page);
  }

  /** Ends one of the caller's own sessions; someone else's (or an ended one) is "not found". */
  async end(principal: Principal, sessionId: string, meta: RequestMeta): Promise<void> {
    const { user } = principal;
    if (
      !(await this.sessions.revokeOfUser(user.id, sessionId, SessionRevocationReason.RevokedByUser))
    ) {
      throw new SessionNotFoundError();
    }
    await this.audit.record({
      action: AuditAction.SessionRevoked,
      outcome: 'success',
      actorUserId: user.id,
      actorUsername: user.username,
      targetUsername: user.username,
      resourceType: 'session',
      resourceId: sessionId,
      details: { by: 'self', current: sessionId === principal.session.id },
      meta,
    });
  }

  /** Ends every session of the caller, the current one included. */
  async logoutAll(principal: Principal, meta: RequestMeta): Promise<number> {
    const { user } = principal;
    const revoked = await this.sessions.revokeAllForUser(
      user.id,
      SessionRevocationReason.LogoutAll,
    );
    await this.audit.record({
      action: AuditAction.Logout,
      outcome: 'success',
      actorUserId: user.id,
      actorUsername: user.username,
      targetUsername: user.username,
      resourceType: 'user',
      resourceId: user.id,
      details: { scope: 'all', sessions_revoked: revoked },
      meta,
    });
    return revoked;
  }
}
