import type { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { AppConfig } from '../config/app-config';
import type { UnitOfWork } from '../database/unit-of-work';
import { AuthMetrics } from '../metrics/auth-metrics';
import { Session, SessionRevocationReason } from './entities/session.entity';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { SessionError, SessionErrorCode } from './session.error';
import type { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { SessionEndings } from './session-endings';
import { SessionPrincipalRepository } from './session-principal.repository';
import { automock } from '../../test/support/automock';

const META = { ip: '203.0.113.7', userAgent: 'spec', requestId: 'req-1' };
const config = {
  sessionIdleTtlMs: 30 * 60_000,
  sessionAbsoluteTtlMs: 2 * 3_600_000,
  refreshReuseGraceMs: 10_000,
} as AppConfig;

class ManualClock extends Clock {
  constructor(public current = new Date('2026-11-27T10:00:00Z')) {
    super();
  }
  override now() {
    return new Date(this.current);
  }
}

function setup() {
  const rows = new Map<string, Session>();
  const repository = {
    insert: jest.fn(async (session: Session) => void rows.set(session.id, session)),
    findById: jest.fn(async (id: string) => {
      const row = rows.get(id);
      return row ? Object.assign(new Session(), row) : null;
    }),
    rotate: jest.fn(async () => false),
    revoke: jest.fn(async (id: string, reason: SessionRevocationReason, now: Date) => {
      const row = rows.get(id);
      if (!row || row.revokedAt) return false;
      Object.assign(row, { revokedAt: now, revokedReason: reason });
      return true;
    }),
    revokeAllForUser: jest.fn(),
    retire: jest.fn(async () => undefined),
    findRetired: jest.fn(async () => null),
  };
  const audit = { record: jest.fn(async () => undefined), recordIndependently: jest.fn() };
  const unitOfWork = { runIndependently: jest.fn(async (work: () => Promise<void>) => work()) };
  const clock = new ManualClock();
  const service = new SessionsService(
    repository as unknown as SessionsRepository,
    audit as unknown as AuditService,
    unitOfWork as unknown as UnitOfWork,
    clock,
    config,
    new AuthMetrics(),
    automock(SessionPrincipalRepository),
    automock(SessionEndings),
  );
  return { rows, repository, audit, unitOfWork, clock, service };
}

async function caught(promise: Promise<unknown>): Promise<SessionError> {
  try {
    await promise;
  } catch (error) {
    return error as SessionError;
  }
  throw new Error('expected a SessionError');
}

describe('SessionsService', () => {
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

  it('rotates through one conditional update and returns the successor', async () => {
    const { service, repository } = setup();
    const { refreshToken } = await service.start('user-1', META, ['pwd']);
    repository.rotate.mockResolvedValueOnce(true);
    const outcome = await service.refresh(await service.identify(refreshToken), META);
    expect(outcome.kind).toBe('rotated');
    expect(repository.rotate).toHaveBeenCalledWith(
      expect.objectContaining({ presentedHash: hashRefreshToken(refreshToken) }),
    );
    if (outcome.kind === 'rotated') expect(outcome.refreshToken).not.toBe(refreshToken);
  });

  it('accepts a retired token inside the grace window without a new refresh token', async () => {
    const { service, rows, clock } = setup();
    const { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    Object.assign(rows.get(session.id)!, {
      previousRefreshTokenHash: hashRefreshToken(refreshToken),
      refreshTokenHash: 'f'.repeat(64),
      rotatedAt: clock.now(),
    });
    clock.current = new Date(clock.current.getTime() + 9_000);
    const outcome = await service.refresh(
      { session: rows.get(session.id)!, hash: hashRefreshToken(refreshToken) },
      META,
    );
    expect(outcome.kind).toBe('grace');
  });

  it('treats a retired token after the grace window as theft: revokes the session and audits, independently', async () => {
    const { service, rows, clock, audit, unitOfWork } = setup();
    const { session, refreshToken } = await service.start('user-1', META, ['pwd']);
    Object.assign(rows.get(session.id)!, {
      previousRefreshTokenHash: hashRefreshToken(refreshToken),
      refreshTokenHash: 'f'.repeat(64),
      rotatedAt: clock.now(),
    });
    clock.current = new Date(clock.current.getTime() + 11_000);
    const error = await caught(
      service.refresh(
        { session: rows.get(session.id)!, hash: hashRefreshToken(refreshToken) },
        META,
      ),
    );
    expect(error.code).toBe(SessionErrorCode.RefreshTokenReused);
    expect(unitOfWork.runIndependently).toHaveBeenCalledTimes(1);
    expect(rows.get(session.id)!.revokedReason).toBe(SessionRevocationReason.RefreshTokenReused);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'REFRESH_TOKEN_REUSED',
        resourceId: session.id,
        outcome: 'failure',
      }),
    );
  });

  it('reports a revoked or expired session rather than reuse', async () => {
    const { service, rows, clock } = setup();
    const first = await service.start('user-1', META, ['pwd']);
    rows.get(first.session.id)!.revokedAt = clock.now();
    const revoked = await caught(service.refresh(await service.identify(first.refreshToken), META));
    expect(revoked.code).toBe(SessionErrorCode.SessionRevoked);

    const second = await service.start('user-1', META, ['pwd']);
    clock.current = new Date(clock.current.getTime() + config.sessionIdleTtlMs + 1);
    const expired = await caught(
      service.refresh(await service.identify(second.refreshToken), META),
    );
    expect(expired.code).toBe(SessionErrorCode.SessionExpired);
  });

  it('never extends the idle expiry past the absolute expiry', async () => {
    const { service, repository, clock } = setup();
    const { refreshToken } = await service.start('user-1', META, ['pwd']);
    clock.current = new Date(clock.current.getTime() + config.sessionAbsoluteTtlMs - 60_000);
    repository.rotate.mockResolvedValueOnce(true);
    const presented = await service.identify(refreshToken);
    await service.refresh(presented, META);
    const rotation = (
      repository.rotate.mock.calls as unknown as Array<[{ idleExpiresAt: Date }]>
    )[0][0];
    expect(rotation.idleExpiresAt.getTime()).toBe(presented.session.absoluteExpiresAt.getTime());
  });
});
