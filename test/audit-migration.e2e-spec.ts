import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditVerificationService } from '../src/audit/audit-verification.service';
import { loadDatabaseConfig } from '../src/config/app-config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { InitialSchema1764201600000 } from '../src/database/migrations/1764201600000-initial-schema';
import { chain } from './support/audit-chain';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { createTestApp } from './support/test-app';

/** A database that already has audit events from before the chain existed. */
describe('the hash-chain migration on existing audit events', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('chains them in time order, then the service appends after them', async () => {
    const legacy = new DataSource({
      ...buildDataSourceOptions(loadDatabaseConfig(database.env)),
      migrations: [InitialSchema1764201600000],
      migrationsRun: true,
    });
    await legacy.initialize();
    const ids: string[] = [];
    try {
      // Inserted out of time order, 600 of them (more than one copy batch), some at the same instant.
      const base = Date.UTC(2025, 0, 1);
      for (let i = 599; i >= 0; i--) {
        const id = randomUUID();
        ids[i] = id;
        await legacy
          .createQueryBuilder()
          .insert()
          .into('audit_events')
          .values({
            id,
            occurred_at: new Date(base + Math.floor(i / 2) * 1_000),
            action: 'LOGIN_FAILED',
            resource_type: 'auth',
            outcome: 'failure',
            details: JSON.stringify({ n: i, username: `user${i}` }),
            ip: '10.0.0.1',
          })
          .execute();
      }
    } finally {
      await legacy.destroy();
    }

    const t = await createTestApp({ database });
    try {
      const events = await chain(t);
      const migrated = events.slice(0, 600);
      // Same instant: ordered by id.
      const expected = [...ids.keys()].sort((a, b) =>
        Math.floor(a / 2) !== Math.floor(b / 2) ? a - b : ids[a] < ids[b] ? -1 : 1,
      );
      expect(migrated.map((event) => event.details.n)).toEqual(expected);
      expect(events[600]).toMatchObject({ seq: 601, action: 'USER_CREATED' });
      expect(await t.app.get(AuditVerificationService).verify()).toMatchObject({
        ok: true,
        checked: 601,
      });
    } finally {
      await t.close();
    }
  });

  it('reverts to the unchained table, keeping every event', async () => {
    const dataSource = new DataSource(buildDataSourceOptions(loadDatabaseConfig(database.env)));
    await dataSource.initialize();
    try {
      const before = Number(
        (await dataSource.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM audit_events'))[0]
          .n,
      );
      // Later migrations come off first; stop once the chain migration itself has been reverted.
      for (;;) {
        const applied = await dataSource.query<Array<{ name: string }>>(
          'SELECT name FROM migrations',
        );
        if (!applied.some((migration) => migration.name === 'AuditHashChain1764201700000')) break;
        await dataSource.undoLastMigration({ transaction: 'each' });
      }
      const columns = (await dataSource.createQueryRunner().getTable('audit_events'))!.columns.map(
        (column) => column.name,
      );
      expect(columns).not.toContain('seq');
      expect(await dataSource.createQueryRunner().hasTable('audit_chain_anchor')).toBe(false);
      const after = Number(
        (await dataSource.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM audit_events'))[0]
          .n,
      );
      expect(after).toBe(before);
      await dataSource.runMigrations({ transaction: 'each' });
      expect(await dataSource.createQueryRunner().hasTable('audit_chain_anchor')).toBe(true);
    } finally {
      await dataSource.destroy();
    }
  });
});
