import { SessionRevocationReason } from './entities/session.entity';
import { META, sessionsService } from '../../test/support/sessions-rig';

describe('SessionsService revocation', () => {
  it("ends a user's own session and tells the listeners", async () => {
    const { service, repository, endings, clock } = sessionsService();
    repository.revokeLiveOfUser.mockResolvedValue(true);
    expect(await service.revokeOfUser('user-1', 's-1', SessionRevocationReason.RevokedByUser)).toBe(
      true,
    );
    expect(repository.revokeLiveOfUser).toHaveBeenCalledWith(
      'user-1',
      's-1',
      SessionRevocationReason.RevokedByUser,
      clock.now(),
    );
    expect(endings.publishAfterCommit).toHaveBeenCalledWith('session.ended', {
      sessionIds: ['s-1'],
    });
  });

  it("tells no one when the session was not the user's or had already ended", async () => {
    const { service, repository, endings } = sessionsService();
    repository.revokeLiveOfUser.mockResolvedValue(false);
    expect(await service.revokeOfUser('user-2', 's-1', SessionRevocationReason.RevokedByUser)).toBe(
      false,
    );
    expect(endings.publishAfterCommit).not.toHaveBeenCalled();
  });

  it('revokes a session once: the listeners hear of it only the first time', async () => {
    const { service, rows, endings, clock } = sessionsService();
    const { session } = await service.start('user-1', META, ['pwd']);
    expect(await service.revoke(session.id, SessionRevocationReason.Logout)).toBe(true);
    expect(rows.get(session.id)).toMatchObject({
      revokedAt: clock.now(),
      revokedReason: SessionRevocationReason.Logout,
    });
    expect(await service.revoke(session.id, SessionRevocationReason.Logout)).toBe(false);
    expect(endings.publishAfterCommit.mock.calls).toEqual([
      ['session.ended', { sessionIds: [session.id] }],
    ]);
  });

  it('revokes in a transaction of its own, so the revocation outlives the failing request', async () => {
    const { service, rows, unitOfWork, endings } = sessionsService();
    const { session } = await service.start('user-1', META, ['pwd']);
    let revokedInside = false;
    unitOfWork.runIndependently.mockImplementation(async (work) => {
      await work();
      revokedInside = rows.get(session.id)!.revokedAt !== null;
    });
    await service.revokeIndependently(session.id, SessionRevocationReason.UserDisabled);
    expect(revokedInside).toBe(true);
    expect(rows.get(session.id)!.revokedReason).toBe(SessionRevocationReason.UserDisabled);
    expect(endings.publishAfterCommit).toHaveBeenCalledWith('session.ended', {
      sessionIds: [session.id],
    });
  });

  it("ends all of a user's sessions but the one kept, and tells the listeners by user", async () => {
    const { service, repository, endings, clock } = sessionsService();
    repository.revokeAllForUser.mockResolvedValue(2);
    expect(
      await service.revokeAllForUser('user-1', SessionRevocationReason.PasswordChanged, 's-1'),
    ).toBe(2);
    expect(repository.revokeAllForUser).toHaveBeenCalledWith(
      'user-1',
      SessionRevocationReason.PasswordChanged,
      clock.now(),
      's-1',
    );
    expect(endings.publishAfterCommit).toHaveBeenCalledWith('session.ended', { userId: 'user-1' });
  });

  it('tells no one when a user had no session left to end', async () => {
    const { service, repository, endings } = sessionsService();
    repository.revokeAllForUser.mockResolvedValue(0);
    expect(await service.revokeAllForUser('user-1', SessionRevocationReason.LogoutAll)).toBe(0);
    expect(endings.publishAfterCommit).not.toHaveBeenCalled();
  });

  it('purges only sessions that ended longer ago than the time kept', async () => {
    const { service, repository, clock } = sessionsService();
    repository.deleteEndedBefore.mockResolvedValue(4);
    expect(await service.purgeEnded(86_400_000)).toBe(4);
    expect(repository.deleteEndedBefore).toHaveBeenCalledWith(
      new Date(clock.now().getTime() - 86_400_000),
    );
  });
});
