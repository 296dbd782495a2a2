import { AuditService } from '../../src/audit/audit.service';
import { Clock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { AuthMetrics } from '../../src/metrics/auth-metrics';
import { FrozenClock } from './auth-fixtures';
import { newTestService, provide } from './test-service';
import { Session } from '../../src/sessions/entities/session.entity';
import { RetiredRefreshToken } from '../../src/sessions/entities/retired-refresh-token.entity';
import { EventBus } from '../../src/events/event-bus';
import { SessionPrincipalRepository } from '../../src/sessions/session-principal.repository';
import { SessionError } from '../../src/sessions/session.error';
import { SessionsRepository } from '../../src/sessions/sessions.repository';
import { SessionsService } from '../../src/sessions/sessions.service';

/** The request the specs act in. */
export const META = { ip: '203.0.113.7', userAgent: 'spec', requestId: 'req-1' };
/** The session lifetimes and the reuse grace window the specs rotate under. */
export const config = {
  sessionIdleTtlMs: 30 * 60_000,
  sessionAbsoluteTtlMs: 2 * 3_600_000,
  refreshReuseGraceMs: 10_000,
} as AppConfig;

/**
 * SessionsService over the sessions table as the repository would answer for it: rows by id, copies handed out.
 */
export function sessionsService() {
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

/** Moves the frozen clock on by `ms`. */
export const later = (clock: FrozenClock, ms: number) =>
  (clock.current = new Date(clock.current.getTime() + ms));

/** The SessionError the promise rejects with. */
export async function caught(promise: Promise<unknown>): Promise<SessionError> {
  try {
    await promise;
  } catch (error) {
    return error as SessionError;
  }
  throw new Error('expected a SessionError');
}
