import { AuditService } from '../audit/audit.service';
import { SessionNotFoundError } from '../sessions/session.error';
import { SessionsService } from '../sessions/sessions.service';
import { newTestService } from '../../test/support/test-service';
import { account, META, session } from '../../test/support/auth-fixtures';
import { MySessionsService } from './my-sessions.service';

function setup() {
  const { service, double } = newTestService(MySessionsService);
  return { sessions: double(SessionsService), audit: double(AuditService), service };
}

const principal = () => ({ user: account(), session: session() });

describe('MySessionsService', () => {
  it("lists the caller's live sessions", async () => {
    const { service, sessions } = setup();
    const live = { items: [session(), session({ id: 's-2' })], nextCursor: null };
    sessions.listLive.mockResolvedValue(live);
    await expect(service.list(principal(), { limit: 10 })).resolves.toBe(live);
    expect(sessions.listLive).toHaveBeenCalledWith('u-1', { limit: 10 });
  });

  it.each([
    ['another session', 's-2', false],
    ['the current session', 's-1', true],
  ])(
    'ends %s of the caller, audited with whether it was the current one',
    async (_l, id, current) => {
      const { service, sessions, audit } = setup();
      sessions.revokeOfUser.mockResolvedValue(true);
      await service.end(principal(), id, META);
      expect(sessions.revokeOfUser).toHaveBeenCalledWith('u-1', id, 'revoked_by_user');
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          action: 'SESSION_REVOKED',
          actorUserId: 'u-1',
          resourceType: 'session',
          resourceId: id,
          details: { by: 'self', current },
          meta: META,
        }),
      );
    },
  );

  it("answers not found for a session that is not the caller's (or has ended), auditing nothing", async () => {
    const { service, sessions, audit } = setup();
    sessions.revokeOfUser.mockResolvedValue(false);
    await expect(service.end(principal(), 's-9', META)).rejects.toBeInstanceOf(
      SessionNotFoundError,
    );
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('ends every session of the caller, the current one included, and audits the count', async () => {
    const { service, sessions, audit } = setup();
    sessions.revokeAllForUser.mockResolvedValue(3);
    await expect(service.logoutAll(principal(), META)).resolves.toBe(3);
    expect(sessions.revokeAllForUser).toHaveBeenCalledWith('u-1', 'logout_all');
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'LOGOUT',
        resourceType: 'user',
        resourceId: 'u-1',
        details: { scope: 'all', sessions_revoked: 3 },
      }),
    );
  });
});
