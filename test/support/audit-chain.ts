import { Test } from '@nestjs/testing';
import { AuditModule } from '../../src/audit/audit.module';
import { AuditService } from '../../src/audit/audit.service';
import { AuditChainAnchor } from '../../src/audit/entities/audit-chain-anchor.entity';
import { AuditCheckpoint } from '../../src/audit/entities/audit-checkpoint.entity';
import { AuditEvent } from '../../src/audit/entities/audit-event.entity';
import { AuditAction } from '../../src/audit/audit-action';
import { CommonModule } from '../../src/common/common.module';
import type { AppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { UnitOfWork } from '../../src/database/unit-of-work';
import type { TestApp } from './test-app';

const AUDIT_TABLES = ['audit_events', 'audit_checkpoints', 'audit_chain_anchor'];

/** The chain as stored, in seq order. */
export function chain(t: TestApp): Promise<AuditEvent[]> {
  return t.dataSource.getRepository(AuditEvent).find({ order: { seq: 'ASC' } });
}

/**
 * An arbitrary event recorded straight through the service (no HTTP), in its own unit of work; `label` tells
 * the events apart (its details must still fit the action's schema).
 */
export function recordProbeEvent(
  audit: AuditService,
  unitOfWork: UnitOfWork,
  label = 'probe',
): Promise<void> {
  return unitOfWork.run(() =>
    audit.record({
      action: AuditAction.AccessDenied,
      outcome: 'failure',
      resourceType: 'test',
      targetUsername: 'probe-target',
      details: { reason: label },
    }),
  );
}

/**
 * Runs `work` as someone with full database rights would: the append-only triggers are out of the way
 * (disabled on PostgreSQL; dropped and re-created on SQLite, which cannot disable them).
 */
export async function asDatabaseOwner(t: TestApp, work: () => Promise<unknown>): Promise<void> {
  if (t.database.kind === 'postgres') {
    for (const table of AUDIT_TABLES)
      await t.dataSource.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    try {
      await work();
    } finally {
      for (const table of AUDIT_TABLES)
        await t.dataSource.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }
    return;
  }
  const triggers = await t.dataSource.query<Array<{ name: string; sql: string }>>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'",
  );
  for (const trigger of triggers) await t.dataSource.query(`DROP TRIGGER ${trigger.name}`);
  try {
    await work();
  } finally {
    for (const trigger of triggers) await t.dataSource.query(trigger.sql);
  }
}

export interface AuditSnapshot {
  events: AuditEvent[];
  checkpoints: AuditCheckpoint[];
  anchor: AuditChainAnchor;
}

export async function snapshotAudit(t: TestApp): Promise<AuditSnapshot> {
  return {
    events: await chain(t),
    checkpoints: await t.dataSource.getRepository(AuditCheckpoint).find(),
    anchor: await t.dataSource.getRepository(AuditChainAnchor).findOneByOrFail({ id: 1 }),
  };
}

/** Puts the audit tables back exactly as snapshotted (undoing a test's tampering). */
export async function restoreAudit(t: TestApp, snapshot: AuditSnapshot): Promise<void> {
  await asDatabaseOwner(t, async () => {
    await t.dataSource.query('DELETE FROM audit_events');
    await t.dataSource.query('DELETE FROM audit_checkpoints');
    await t.dataSource.getRepository(AuditChainAnchor).save(snapshot.anchor);
    for (const event of snapshot.events) await t.dataSource.getRepository(AuditEvent).insert(event);
    for (const checkpoint of snapshot.checkpoints)
      await t.dataSource.getRepository(AuditCheckpoint).insert(checkpoint);
  });
}

export interface SecondInstance {
  audit: AuditService;
  unitOfWork: UnitOfWork;
  close(): Promise<void>;
}

/**
 * Another Aegis instance on the same database: its own DataSource (connection pool), unit of work and audit
 * service. Without the auth modules, because passport's strategies are process-wide and a second full app
 * would take over the first one's authentication.
 */
export async function startSecondInstance(config: AppConfig): Promise<SecondInstance> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, AuditModule],
  }).compile();
  const app = await moduleRef.init();
  return {
    audit: app.get(AuditService),
    unitOfWork: app.get(UnitOfWork),
    close: () => app.close(),
  };
}
