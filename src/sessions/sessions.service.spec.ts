import { account, session as fixtureSession } from '../../test/support/auth-fixtures';
import { Session } from './entities/session.entity';
import { RetiredRefreshToken } from './entities/retired-refresh-token.entity';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import type { SessionPrincipal } from './session-principal.repository';
import { SessionError, SessionErrorCode } from './session.error';
import { META, config, sessionsService, later, caught } from '../../test/support/sessions-rig';

describe('SessionsService.start', () => {
  it('starts a session storing only the hash of an opaque 256-bit refresh token', async () => {
    const { service, rows } = sessionsService();
    const { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    expect(refreshToken).toMatch(new RegExp(`^${session.id}\\.[A-Za-z0-9_-]{43}$`));
    const stored = rows.get(session.id)!;
    expect(stored.refreshTokenHash).toBe(hashRefreshToken(refreshToken));
    expect(JSON.stringify(stored)).not.toContain(refreshToken.split('.')[1]);
    expect(stored.absoluteExpiresAt.getTime() - stored.createdAt.getTime()).toBe(
      config.sessionAbsoluteTtlMs,
    );
    expect(stored.idleExpiresAt.getTime() - stored.createdAt.getTime()).toBe(
      config.sessionIdleTtlMs,
    );
    expect(stored).toMatchObject({ ip: META.ip, userAgent: META.userAgent, revokedAt: null });
  });

  it('records each authentication method once, authenticated now', async () => {
    const { service, clock } = sessionsService();
    const { session } = await service.start('user-1', META, ['pwd', 'otp', 'pwd']);
    expect(session.amr).toEqual(['pwd', 'otp']);
    expect(session.authTime).toEqual(clock.now());
  });
});

describe('SessionsService.recordAuthentication', () => {
  it("adds the method to the session's amr once and stamps auth_time now", async () => {
    const { service, repository, clock } = sessionsService();
    repository.recordAuthentication.mockResolvedValue(true);
    expect(await service.recordAuthentication({ id: 's-1', amr: ['pwd'] }, 'otp')).toBe(true);
    expect(await service.recordAuthentication({ id: 's-1', amr: ['pwd', 'otp'] }, 'pwd')).toBe(
      true,
    );
    expect(repository.recordAuthentication.mock.calls).toEqual([
      ['s-1', ['pwd', 'otp'], clock.now()],
      ['s-1', ['pwd', 'otp'], clock.now()],
    ]);
  });

  it('answers false when the session ended meanwhile', async () => {
    const { service, repository } = sessionsService();
    repository.recordAuthentication.mockResolvedValue(false);
    expect(await service.recordAuthentication({ id: 's-1', amr: ['pwd'] }, 'otp')).toBe(false);
  });
});

describe('SessionsService liveness', () => {
  it('finds a live session, and nothing for an unknown, revoked or expired one', async () => {
    const { service, rows, clock } = sessionsService();
    const live = await service.start('user-1', META, ['pwd']);
    const revoked = await service.start('user-1', META, ['pwd']);
    rows.get(revoked.session.id)!.revokedAt = clock.now();
    expect((await service.findLive(live.session.id))?.id).toBe(live.session.id);
    expect(await service.findLive(revoked.session.id)).toBeNull();
    expect(await service.findLive('00000000-0000-4000-8000-000000000000')).toBeNull();
    later(clock, config.sessionIdleTtlMs);
    expect(await service.findLive(live.session.id)).toBeNull();
  });

  it('says why a session can no longer be used: revoked before expired, nothing for a live one', async () => {
    const { service, clock } = sessionsService();
    const { session } = await service.start('user-1', META, ['pwd']);
    expect(() => service.assertNotEnded(session)).not.toThrow();

    const revoked = Object.assign(new Session(), session, { revokedAt: clock.now() });
    expect(() => service.assertNotEnded(revoked)).toThrow(
      new SessionError(SessionErrorCode.SessionRevoked),
    );

    later(clock, config.sessionIdleTtlMs);
    expect(() => service.assertNotEnded(session)).toThrow(
      new SessionError(SessionErrorCode.SessionExpired),
    );
    expect(() => service.assertNotEnded(revoked)).toThrow(
      new SessionError(SessionErrorCode.SessionRevoked),
    );
  });

  it('looks up the principal of a session in one read', async () => {
    const { service, principals } = sessionsService();
    const principal: SessionPrincipal = {
      session: fixtureSession({ id: 's-1' }),
      user: account(),
    };
    principals.findBySessionId.mockResolvedValue(principal);
    expect(await service.findPrincipal('s-1')).toBe(principal);
    expect(principals.findBySessionId).toHaveBeenCalledWith('s-1');
  });

  it('counts the sessions live at the current time', async () => {
    const { service, repository, clock } = sessionsService();
    repository.countLive.mockResolvedValue(3);
    expect(await service.countLive()).toBe(3);
    expect(repository.countLive).toHaveBeenCalledWith(clock.now());
  });
});

describe('SessionsService.listLive', () => {
  const ID_A = '00000000-0000-4000-8000-00000000000a';
  const ID_B = '00000000-0000-4000-8000-00000000000b';
  const CREATED = new Date('2026-01-01T00:00:00.000Z');
  const live = (id: string) => Object.assign(new Session(), { id, createdAt: CREATED });

  it('reads one more than a page to know whether another follows, and points the cursor at its last item', async () => {
    const { service, repository, clock } = sessionsService();
    repository.findLivePageForUser.mockResolvedValue([live(ID_B), live(ID_A)]);
    const page = await service.listLive('user-1', { limit: 1 });
    expect(repository.findLivePageForUser).toHaveBeenCalledWith('user-1', clock.now(), {
      after: undefined,
      limit: 2,
    });
    expect(page.items.map((session) => session.id)).toEqual([ID_B]);
    expect(page.nextCursor).not.toBeNull();

    repository.findLivePageForUser.mockResolvedValue([live(ID_A)]);
    const next = await service.listLive('user-1', { limit: 1, cursor: page.nextCursor! });
    expect(repository.findLivePageForUser).toHaveBeenLastCalledWith('user-1', clock.now(), {
      after: { createdAt: CREATED, id: ID_B },
      limit: 2,
    });
    expect(next).toEqual({ items: [live(ID_A)], nextCursor: null });
  });

  it.each([
    ['not base64url', '!!'],
    ['not a position', Buffer.from('hello').toString('base64url')],
    ['a position with a bad id', Buffer.from('1700000000000.x').toString('base64url')],
    ['empty', ''],
  ])('refuses a cursor that is %s, reading nothing', async (_what, cursor) => {
    const { service, repository } = sessionsService();
    await expect(service.listLive('user-1', { limit: 1, cursor })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(repository.findLivePageForUser).not.toHaveBeenCalled();
  });
});

describe('SessionsService.identify', () => {
  it('rejects a token that matches neither the current nor the previous hash', async () => {
    const { service } = sessionsService();
    const { session } = await service.start('user-1', META, ['pwd']);
    const forged = newRefreshToken(session.id).token;
    expect((await caught(service.identify(forged))).code).toBe(
      SessionErrorCode.InvalidRefreshToken,
    );
    expect((await caught(service.identify('not-a-token'))).code).toBe(
      SessionErrorCode.InvalidRefreshToken,
    );
  });

  it('recognises an older retired token of the session, with when it was retired', async () => {
    const { service, clock } = sessionsService();
    const first = await service.start('user-1', META, ['pwd']);
    const second = await service.refresh(await service.identify(first.refreshToken), META);
    later(clock, 60_000);
    if (second.kind !== 'rotated') throw new Error('expected a rotation');
    await service.refresh(await service.identify(second.refreshToken), META);

    const presented = await service.identify(first.refreshToken);
    expect(presented.hash).toBe(hashRefreshToken(first.refreshToken));
    expect(presented.retiredAt).toEqual(new Date('2026-11-27T10:00:00Z'));
  });

  it("refuses a retired token of another session presented with this session's id", async () => {
    const { service, retired } = sessionsService();
    const { session } = await service.start('user-1', META, ['pwd']);
    const other = await service.start('user-2', META, ['pwd']);
    const stolen = `${session.id}.${other.refreshToken.split('.')[1]}`;
    retired.set(
      hashRefreshToken(stolen),
      Object.assign(new RetiredRefreshToken(), {
        hash: hashRefreshToken(stolen),
        sessionId: other.session.id,
        retiredAt: new Date(0),
      }),
    );
    expect((await caught(service.identify(stolen))).code).toBe(
      SessionErrorCode.InvalidRefreshToken,
    );
  });
});
