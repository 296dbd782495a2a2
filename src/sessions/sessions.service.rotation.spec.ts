import { SessionRevocationReason } from './entities/session.entity';
import { hashRefreshToken } from './refresh-token';
import { SessionErrorCode } from './session.error';
import { META, config, sessionsService, later, caught } from '../../test/support/sessions-rig';

describe('SessionsService.refresh', () => {
  it('rotates through one conditional update and returns the successor', async () => {
    const { service, repository, retired, clock } = sessionsService();
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
    const { service, rows, clock } = sessionsService();
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
    const { service, rows, clock, audit, unitOfWork, endings, metrics } = sessionsService();
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
        'alice',
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
      actorUsername: 'alice',
      resourceType: 'session',
      resourceId: session.id,
      details: { retired_at: rotatedAt.toISOString(), session_revoked: true },
      meta: META,
    });
    expect(metrics.refreshTokenReuseDetected).toHaveBeenCalledTimes(1);
  });

  it('treats reuse exactly at the end of the grace window as theft', async () => {
    const { service, rows, clock } = sessionsService();
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
    const { service, rows, clock } = sessionsService();
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
    const { service, rows, clock } = sessionsService();
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
    const { service, rows, repository } = sessionsService();
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
    const { service, rows, clock } = sessionsService();
    const { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    const presented = await service.identify(refreshToken);
    rows.get(session.id)!.revokedAt = clock.now();
    expect((await caught(service.refresh(presented, META))).code).toBe(
      SessionErrorCode.SessionRevoked,
    );
  });

  it('reports a revoked or expired session rather than reuse', async () => {
    const { service, rows, clock } = sessionsService();
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
    const { service, clock } = sessionsService();
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
