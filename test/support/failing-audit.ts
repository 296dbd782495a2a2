import type { TestingModuleBuilder } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AuditRepository } from '../../src/audit/audit.repository';
import type { AuditEvent } from '../../src/audit/entities/audit-event.entity';
import { UnitOfWork } from '../../src/database/unit-of-work';

/**
 * Replaces the audit repository by one whose appends throw for the events `shouldFail` picks, after a short
 * wait so transactions of parallel requests really overlap. For proving that a failed audit write rolls the
 * change back. Everything else (reads, verification) is the real repository.
 */
export function withFailingAudit(shouldFail: (event: AuditEvent) => boolean) {
  class FailingAuditRepository extends AuditRepository {
    override async insert(event: AuditEvent): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (shouldFail(event)) throw new Error('injected audit failure: disk full');
      return super.insert(event);
    }
  }
  return (builder: TestingModuleBuilder): TestingModuleBuilder =>
    builder.overrideProvider(AuditRepository).useFactory({
      inject: [UnitOfWork, DataSource],
      factory: (unitOfWork: UnitOfWork, dataSource: DataSource) =>
        new FailingAuditRepository(unitOfWork, dataSource),
    });
}
