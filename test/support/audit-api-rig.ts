import { AuditAction } from '../../src/audit/audit-action';
import { AuditService, type AuditEntry } from '../../src/audit/audit.service';
import { UnitOfWork } from '../../src/database/unit-of-work';
import type { TestApp } from './test-app';

/** An audit event as the audit routes and the export answer with it. */
export interface EventBody {
  seq: number;
  action: string;
  resource_type: string;
  resource_id: string | null;
  actor_user_id: string | null;
  outcome: string;
  occurred_at: string;
  hash: string;
}

/** Writes one audit event through the application, as a feature would (a document update by default). */
export function record(t: TestApp, entry: Partial<AuditEntry> = {}): Promise<void> {
  return t.app.get(UnitOfWork).run(() =>
    t.app.get(AuditService).record({
      action: AuditAction.UserUpdated,
      outcome: 'success',
      resourceType: 'document',
      ...entry,
    }),
  );
}
