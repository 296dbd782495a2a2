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

/** Details that fit the schema of the actions the audit specs write. */
const FITTING_DETAILS: Partial<Record<AuditAction, AuditEntry['details']>> = {
  [AuditAction.UserUpdated]: { target_username: 'someone' },
  [AuditAction.RoleChanged]: {
    target_username: 'someone',
    role_before: 'user',
    role_after: 'admin',
  },
};

/** Writes one audit event through the application, as a feature would (a document update by default). */
export function record(t: TestApp, entry: Partial<AuditEntry> = {}): Promise<void> {
  const action = entry.action ?? AuditAction.UserUpdated;
  return t.app.get(UnitOfWork).run(() =>
    t.app.get(AuditService).record({
      action,
      outcome: 'success',
      resourceType: 'document',
      details: FITTING_DETAILS[action],
      ...entry,
    }),
  );
}
