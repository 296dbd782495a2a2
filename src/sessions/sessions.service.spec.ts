import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { AuthMetrics } from '../metrics/auth-metrics';
import { account, FrozenClock, session as fixtureSession } from '../../test/support/auth-fixtures';
import { newTestService, provide } from '../../test/support/test-service';
import { Session, SessionRevocationReason } from './entities/session.entity';
import { RetiredRefreshToken } from './entities/retired-refresh-token.entity';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { EventBus } from '../events/event-bus';
import { SessionPrincipalRepository, type SessionPrincipal } from './session-principal.repository';
import { SessionError, SessionErrorCode } from './session.error';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

const META = { ip: '203.0.113.7', userAgent: 'spec', requestId: 'req-1' };
const config = {
  sessionIdleTtlMs: 30 * 60_000,
  sessionAbsoluteTtlMs: 2 * 3_600_000,
  refreshReuseGraceMs: 10_000,
} as AppConfig;

/** The sessions table as the repository would answer for it: rows by id, copies handed out. */
function setup() {
  const rows = new Map<string, Session>();
  const retired = new Map<string, RetiredRefreshToken>();
  const clock = new FrozenClock(new Date('2026-11-27T10:00:00Z'));
  const { service, double } = newTestService(
    SessionsService,
    provide(Clock, clock),
    provide(AppConfig, config),
  );
  const repository = double(SessionsRepository);
  repository.insert.mockImplementation(async (session) => void rows.set(session.id, session));
  repository.findById.mockImplementation(async (id) => {
    const row = rows.get(id);
    return row ? Object.assign(new Session(), row) : null;
  });
  repository.rotate.mockImplementation(async (rotation) => {
    const row = rows.get(rotation.sessionId);
    if (row?.refreshTokenHash !== rotation.presentedHash || !row.isLiveAt(rotation.now))
      return false;
    Object.assign(row, {
      refreshTokenHash: rotation.newHash,
      previousRefreshTokenHash: rotation.presentedHash,
      rotatedAt: rotation.now,
      lastUsedAt: rotation.now,
      idleExpiresAt: rotation.idleExpiresAt,
    });
    return true;
  });
  repository.retire.mockImplementation(async (sessionId, hash, retiredAt) => {
    retired.set(hash, Object.assign(new RetiredRefreshToken(), { hash, sessionId, retiredAt }));
  });
  repository.findRetired.mockImplementation(async (hash) => retired.get(hash) ?? null);
  repository.revoke.mockImplementation(async (id, reason, now) => {
    const row = rows.get(id);
    if (!row || row.revokedAt) return false;
    Object.assign(row, { revokedAt: now, revokedReason: reason });
    return true;
  });
  const unitOfWork = double(UnitOfWork);
  unitOfWork.runIndependently.mockImplementation((work) => work());
  return {
    rows,
    retired,
    repository,
    audit: double(AuditService),
    unitOfWork,
    clock,
    metrics: double(AuthMetrics),
    principals: double(SessionPrincipalRepository),
    endings: double(EventBus),
    service,
  };
}

const later = (clock: FrozenClock, ms: number) =>
  (clock.current = new Date(clock.current.getTime() + ms));

async function caught(promise: Promise<unknown>): Promise<SessionError> {
  try {
    await promise;
  } catch (error) {
    return error as SessionError;
  }
  throw new Error('expected a SessionError');
}

describe('SessionsService.start', () => {
  it('starts a session storing only the hash of an opaque 256-bit refresh token', async () => {
    const { service, rows } = setup();
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
    const { service, clock } = setup();
    const { session } = await service.start('user-1', META, ['pwd', 'otp', 'pwd']);
    expect(session.amr).toEqual(['pwd', 'otp']);
    expect(session.authTime).toEqual(clock.now());
  });
});

describe('SessionsService.recordAuthentication', () => {
  it("adds the method to the session's amr once and stamps auth_time now", async () => {
    const { service, repository, clock } = setup();
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
    const { service, repository } = setup();
    repository.recordAuthentication.mockResolvedValue(false);
    expect(await service.recordAuthentication({ id: 's-1', amr: ['pwd'] }, 'otp')).toBe(false);
  });
});

describe('SessionsService liveness', () => {
  it('finds a live session, and nothing for an unknown, revoked or expired one', async () => {
    const { service, rows, clock } = setup();
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
    const { service, clock } = setup();
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
    const { service, principals } = setup();
    const principal: SessionPrincipal = {
      session: fixtureSession({ id: 's-1' }),
      user: account(),
    };
    principals.findBySessionId.mockResolvedValue(principal);
    expect(await service.findPrincipal('s-1')).toBe(principal);
    expect(principals.findBySessionId).toHaveBeenCalledWith('s-1');
  });

  it('counts and lists the sessions live at the current time', async () => {
    const { service, repository, clock } = setup();
    repository.countLive.mockResolvedValue(3);
    const listed = [new Session()];
    repository.findLiveForUser.mockResolvedValue(listed);
    expect(await service.countLive()).toBe(3);
    expect(repository.countLive).toHaveBeenCalledWith(clock.now());
    expect(await service.listLive('user-1')).toBe(listed);
    expect(repository.findLiveForUser).toHaveBeenCalledWith('user-1', clock.now());
  });
});

describe('SessionsService.identify', () => {
  it('rejects a token that matches neither the current nor the previous hash', async () => {
    const { service } = setup();
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
    const { service, clock } = setup();
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
    const { service, retired } = setup();
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

describe('SessionsService.refresh', () => {
  it('rotates through one conditional update and returns the successor', async () => {
    const { service, repository, retired, clock } = setup();
    const { refreshToken } = await service.start('user-1', META, ['pwd']);
    later(clock, 60_000);
    const outcome = await service.refresh(await service.identify(refreshToken), META);
    if (outcome.kind !== 'rotated') throw new Error('expected a rotation');
    const presentedHash = hashRefreshToken(refreshToken);
    expect(repository.rotate).toHaveBeenCalledWith(
      expect.objectContaining({ presentedHash, newHash: hashRefreshToken(outcome.refreshToken) }),
    );
    expect(outcome.refreshToken).not.toBe(refreshToken);
    expect(outcome.session).toMatchObject({
      refreshTokenHash: hashRefreshToken(outcome.refreshToken),
      previousRefreshTokenHash: presentedHash,
      rotatedAt: clock.now(),
      lastUsedAt: clock.now(),
      idleExpiresAt: new Date(clock.now().getTime() + config.sessionIdleTtlMs),
    });
    expect(retired.get(presentedHash)?.retiredAt).toEqual(clock.now());
  });

  it('accepts a retired token inside the grace window without a new refresh token', async () => {
    const { service, rows, clock } = setup();
    const { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    Object.assign(rows.get(session.id)!, {
      previousRefreshTokenHash: hashRefreshToken(refreshToken),
      refreshTokenHash: 'f'.repeat(64),
      rotatedAt: clock.now(),
    });
    later(clock, 9_000);
    const outcome = await service.refresh(
      { session: rows.get(session.id)!, hash: hashRefreshToken(refreshToken) },
      META,
    );
    expect(outcome.kind).toBe('grace');
  });

  it('treats a retired token after the grace window as theft: revokes the session and audits, independently', async () => {
    const { service, rows, clock, audit, unitOfWork, endings, metrics } = setup();
    const { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    const rotatedAt = clock.now();
    Object.assign(rows.get(session.id)!, {
      previousRefreshTokenHash: hashRefreshToken(refreshToken),
      refreshTokenHash: 'f'.repeat(64),
      rotatedAt,
    });
    later(clock, 11_000);
    const error = await caught(
      service.refresh(
        { session: rows.get(session.id)!, hash: hashRefreshToken(refreshToken) },
        META,
      ),
    );
    expect(error.code).toBe(SessionErrorCode.RefreshTokenReused);
    expect(unitOfWork.runIndependently).toHaveBeenCalledTimes(1);
    expect(rows.get(session.id)!.revokedReason).toBe(SessionRevocationReason.RefreshTokenReused);
    expect(endings.publishAfterCommit).toHaveBeenCalledWith('session.ended', {
      sessionIds: [session.id],
    });
    expect(audit.record).toHaveBeenCalledWith({
      action: 'REFRESH_TOKEN_REUSED',
      outcome: 'failure',
      actorUserId: 'user-1',
      resourceType: 'session',
      resourceId: session.id,
      details: { retired_at: rotatedAt.toISOString(), session_revoked: true },
      meta: META,
    });
    expect(metrics.refreshTokenReuseDetected).toHaveBeenCalledTimes(1);
  });

  it('treats reuse exactly at the end of the grace window as theft', async () => {
    const { service, rows, clock } = setup();
    const { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    Object.assign(rows.get(session.id)!, {
      previousRefreshTokenHash: hashRefreshToken(refreshToken),
      refreshTokenHash: 'f'.repeat(64),
      rotatedAt: clock.now(),
    });
    later(clock, config.refreshReuseGraceMs);
    const error = await caught(
      service.refresh(
        { session: rows.get(session.id)!, hash: hashRefreshToken(refreshToken) },
        META,
      ),
    );
    expect(error.code).toBe(SessionErrorCode.RefreshTokenReused);
  });

  it('revokes the session when a token retired two rotations ago comes back', async () => {
    const { service, rows, clock } = setup();
    const first = await service.start('user-1', META, ['pwd']);
    const second = await service.refresh(await service.identify(first.refreshToken), META);
    if (second.kind !== 'rotated') throw new Error('expected a rotation');
    later(clock, 60_000);
    await service.refresh(await service.identify(second.refreshToken), META);

    const error = await caught(service.refresh(await service.identify(first.refreshToken), META));
    expect(error.code).toBe(SessionErrorCode.RefreshTokenReused);
    expect(rows.get(first.session.id)!.revokedReason).toBe(
      SessionRevocationReason.RefreshTokenReused,
    );
  });

  it('lets a token retired two rotations ago through inside the grace window of its retirement', async () => {
    const { service, rows, clock } = setup();
    const { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    Object.assign(rows.get(session.id)!, {
      refreshTokenHash: 'f'.repeat(64),
      previousRefreshTokenHash: 'e'.repeat(64),
      rotatedAt: clock.now(),
    });
    const outcome = await service.refresh(
      {
        session: rows.get(session.id)!,
        hash: hashRefreshToken(refreshToken),
        retiredAt: new Date(clock.now().getTime() - 1_000),
      },
      META,
    );
    expect(outcome.kind).toBe('grace');
  });

  it('refuses, without revoking, a token the session no longer knows when rotation matched nothing', async () => {
    const { service, rows, repository } = setup();
    const { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    const presented = await service.identify(refreshToken);
    // Two concurrent refreshes rotated it away before this one's update ran; neither hash is it any more.
    Object.assign(rows.get(session.id)!, {
      refreshTokenHash: 'f'.repeat(64),
      previousRefreshTokenHash: 'e'.repeat(64),
    });
    const error = await caught(service.refresh(presented, META));
    expect(error.code).toBe(SessionErrorCode.InvalidRefreshToken);
    expect(repository.revoke).not.toHaveBeenCalled();
  });

  it('judges by the stored session, not the copy read when the token was identified', async () => {
    const { service, rows, clock } = setup();
    const { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    const presented = await service.identify(refreshToken);
    rows.get(session.id)!.revokedAt = clock.now();
    expect((await caught(service.refresh(presented, META))).code).toBe(
      SessionErrorCode.SessionRevoked,
    );
  });

  it('reports a revoked or expired session rather than reuse', async () => {
    const { service, rows, clock } = setup();
    const first = await service.start('user-1', META, ['pwd']);
    rows.get(first.session.id)!.revokedAt = clock.now();
    const revoked = await caught(service.refresh(await service.identify(first.refreshToken), META));
    expect(revoked.code).toBe(SessionErrorCode.SessionRevoked);

    const second = await service.start('user-1', META, ['pwd']);
    later(clock, config.sessionIdleTtlMs + 1);
    const expired = await caught(
      service.refresh(await service.identify(second.refreshToken), META),
    );
    expect(expired.code).toBe(SessionErrorCode.SessionExpired);
  });

  it('never extends the idle expiry past the absolute expiry', async () => {
    const { service, clock } = setup();
    let { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    // Used every 20 minutes, the session stays live up to its absolute expiry and not a moment longer.
    for (let used = 20; used < 120; used += 20) {
      later(clock, 20 * 60_000);
      const outcome = await service.refresh(await service.identify(refreshToken), META);
      if (outcome.kind !== 'rotated') throw new Error('expected a rotation');
      ({ session, refreshToken } = outcome);
    }
    expect(session.idleExpiresAt).toEqual(session.absoluteExpiresAt);
    later(clock, 20 * 60_000);
    expect((await caught(service.refresh(await service.identify(refreshToken), META))).code).toBe(
      SessionErrorCode.SessionExpired,
    );
  });
});

describe('SessionsService revocation', () => {
  it("ends a user's own session and tells the listeners", async () => {
    const { service, repository, endings, clock } = setup();
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
    const { service, repository, endings } = setup();
    repository.revokeLiveOfUser.mockResolvedValue(false);
    expect(await service.revokeOfUser('user-2', 's-1', SessionRevocationReason.RevokedByUser)).toBe(
      false,
    );
    expect(endings.publishAfterCommit).not.toHaveBeenCalled();
  });

  it('revokes a session once: the listeners hear of it only the first time', async () => {
    const { service, rows, endings, clock } = setup();
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
    const { service, rows, unitOfWork, endings } = setup();
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
    const { service, repository, endings, clock } = setup();
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
    const { service, repository, endings } = setup();
    repository.revokeAllForUser.mockResolvedValue(0);
    expect(await service.revokeAllForUser('user-1', SessionRevocationReason.LogoutAll)).toBe(0);
    expect(endings.publishAfterCommit).not.toHaveBeenCalled();
  });

  it('purges only sessions that ended longer ago than the time kept', async () => {
    const { service, repository, clock } = setup();
    repository.deleteEndedBefore.mockResolvedValue(4);
    expect(await service.purgeEnded(86_400_000)).toBe(4);
    expect(repository.deleteEndedBefore).toHaveBeenCalledWith(
      new Date(clock.now().getTime() - 86_400_000),
    );
  });
});
