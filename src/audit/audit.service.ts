import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import type { RequestMeta } from '../common/http/request-meta';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { AuditAction } from './audit-action';
import { detailProblems } from './audit-detail-schemas';
import { AuditEvent, type AuditDetails, type AuditOutcome } from './entities/audit-event.entity';
import { AuditRepository } from './audit.repository';
import { CURRENT_CHAIN_VERSION } from './audit-chain';

export interface AuditEntry {
  action: AuditAction;
  outcome: AuditOutcome;
  actorUserId?: string | null;
  /** The actor's username now (kept as it was: a later rename does not change the row). */
  actorUsername?: string | null;
  /** The username of the account the event is about, when it is about one. */
  targetUsername?: string | null;
  resourceType: string;
  resourceId?: string | null;
  details?: AuditDetails;
  meta?: RequestMeta;
}

/** Details that do not fit their action's schema (audit-detail-schemas.ts): a programming error at the call site. */
export class AuditDetailsError extends Error {
  constructor(action: AuditAction, problems: string[]) {
    super(`Audit details of ${action} do not fit its schema: ${problems.join('; ')}`);
    this.name = 'AuditDetailsError';
  }
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');
  private readonly strict: boolean;

  constructor(
    private readonly repository: AuditRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.strict = config.env !== 'production';
  }

  /** Records an event in the current unit of work: it commits with the change it describes, or not at all. */
  async record(entry: AuditEntry): Promise<void> {
    await this.repository.insert(this.toEvent(entry));
  }

  /** Records an event that must survive the request's failure (a refused login, a replayed token). */
  async recordIndependently(entry: AuditEntry): Promise<void> {
    const event = this.toEvent(entry);
    await this.unitOfWork.runIndependently(() => this.repository.insert(event));
  }

  private toEvent(entry: AuditEntry): AuditEvent {
    this.checkDetails(entry);
    const event = new AuditEvent();
    event.id = randomUUID();
    event.occurredAt = this.clock.now();
    event.chainVersion = CURRENT_CHAIN_VERSION;
    event.actorUserId = entry.actorUserId ?? null;
    event.actorUsername = entry.actorUsername?.toWellFormed() ?? null;
    event.targetUsername = entry.targetUsername?.toWellFormed() ?? null;
    event.action = entry.action;
    event.resourceType = entry.resourceType;
    event.resourceId = entry.resourceId ?? null;
    event.outcome = entry.outcome;
    // Exactly what the JSON column will hand back (undefined values dropped, lone surrogates replaced as
    // both databases' UTF-8 would), so the hash computed now is the one a verifier recomputes from the row.
    // The client's own X-Request-Id goes into details: the version-1 chain covers details already, so it
    // needs neither a new column nor a new canonical serialisation.
    const details = {
      ...entry.details,
      ...(entry.meta?.clientRequestId && { client_request_id: entry.meta.clientRequestId }),
    };
    event.details = JSON.parse(JSON.stringify(details), (_key, value: unknown) =>
      typeof value === 'string' ? value.toWellFormed() : value,
    ) as AuditDetails;
    event.ip = entry.meta?.ip ?? null;
    event.userAgent = entry.meta?.userAgent?.toWellFormed() ?? null;
    event.requestId = entry.meta?.requestId ?? null;
    return event;
  }

  /**
   * Outside production a row whose details break its action's schema is refused, so that the test suites
   * catch the call site; in production the row is written anyway (an audit row is never lost over a detail
   * key) and the mismatch is logged.
   */
  private checkDetails(entry: AuditEntry): void {
    const problems = detailProblems(entry.action, entry.details ?? {});
    if (problems.length === 0) return;
    const error = new AuditDetailsError(entry.action, problems);
    if (this.strict) throw error;
    this.logger.warn(error.message);
  }
}
