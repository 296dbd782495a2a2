import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditEvent } from '../src/audit/entities/audit-event.entity';
import { runCli } from '../src/cli/run-cli';
import { asDatabaseOwner } from './support/audit-chain';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { createTestApp, type TestApp } from './support/test-app';
import { type EventBody, record } from './support/audit-api-rig';

/** The operator CLI on the same database, run while no test app is open (passport strategies are global). */
describe('npm run cli -- audit:verify | audit:export', () => {
  let database: TestDatabase;
  const env = () => ({
    ...database.env,
    JWT_SECRET: 'cli-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: 'error',
  });
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, env(), {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  async function withApp(work: (t: TestApp) => Promise<void>) {
    const t = await createTestApp({ database });
    try {
      await work(t);
    } finally {
      await t.close();
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await withApp(async (t) => {
      for (let i = 0; i < 4; i++) await record(t, { resourceId: `cli-${i}` });
    });
  });
  afterAll(() => database.drop());

  it('verifies the chain (exit 0) and exports it to a file', async () => {
    const verified = await cli('audit:verify');
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true, checked: 5, last_seq: 5 });

    const file = join(mkdtempSync(join(tmpdir(), 'aegis-export-')), 'audit.ndjson');
    const exported = await cli('audit:export', '--output', file, '--from', '2000-01-01');
    expect(exported.code).toBe(0);
    expect(exported.err).toContain('Exported 5 audit events');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as EventBody);
    expect(lines.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await cli('audit:export', '--output', file)).code).toBe(1); // never overwrites
    expect((await cli('audit:export', '--from', 'soon')).code).toBe(2);
  });

  it('exits 1 with the broken seq when the chain was tampered with', async () => {
    await withApp((t) =>
      asDatabaseOwner(t, () =>
        t.dataSource.getRepository(AuditEvent).update({ seq: 3 }, { resourceId: 'changed' }),
      ),
    );
    const verified = await cli('audit:verify');
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.out)).toMatchObject({
      ok: false,
      first_broken_seq: 3,
      reason: 'hash_mismatch',
    });
  });
});
