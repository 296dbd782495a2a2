import type { TestingModuleBuilder } from '@nestjs/testing';
import { AuditRepository } from '../../src/audit/audit.repository';
import type { AuditEvent } from '../../src/audit/entities/audit-event.entity';
import { UnitOfWork } from '../../src/database/unit-of-work';

/**
 * Replaces the audit repository by one that throws for the events `shouldFail` picks, after a short wait so
 * transactions of parallel requests really overlap. For proving that a failed audit write rolls the change back.
 */
export function withFailingAudit(shouldFail: (event: AuditEvent) => boolean) {
  return (builder: TestingModuleBuilder): TestingModuleBuilder =>
    builder.overrideProvider(AuditRepository).useFactory({
      inject: [UnitOfWork],
      factory: (unitOfWork: UnitOfWork) => {
        const real = new AuditRepository(unitOfWork);
        return {
          insert: async (event: AuditEvent) => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            if (shouldFail(event)) throw new Error('injected audit failure: disk full');
            return real.insert(event);
          },
        };
      },
    });
}
