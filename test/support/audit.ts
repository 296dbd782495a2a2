import type { FindOptionsWhere } from 'typeorm';
import { AuditEvent } from '../../src/audit/entities/audit-event.entity';
import type { TestApp } from './test-app';

/** Audit rows as an auditor would query them, oldest first. */
export function auditEvents(t: TestApp, where: FindOptionsWhere<AuditEvent> = {}) {
  return t.dataSource.getRepository(AuditEvent).find({ where, order: { occurredAt: 'ASC' } });
}
