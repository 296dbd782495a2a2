import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditCheckpointService } from '../src/audit/audit-checkpoint.service';
import { AuditEvent } from '../src/audit/entities/audit-event.entity';
import { runCli } from '../src/cli/run-cli';
import { asDatabaseOwner } from './support/audit-chain';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { createTestApp, type TestApp } from './support/test-app';
import { type EventBody, record } from './support/audit-api-rig';

/** The operator CLI on the same database, run while no test app is open (passport strategies are global). */
const HMAC_KEY = 'audit-hmac-key-kept-outside-the-database-0123';

async function runOn(database: TestDatabase, argv: string[], extra: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const env = {
    ...database.env,
    JWT_SECRET: 'cli-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: 'error',
    ...extra,
  };
  const code = await runCli(argv, env, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function withAppOn(
  database: TestDatabase,
  work: (t: TestApp) => Promise<void>,
  env: Record<string, string> = {},
) {
  const t = await createTestApp({ database, env });
  try {
    await work(t);
  } finally {
    await t.close();
  }
}

describe('npm run cli -- audit:verify | audit:export', () => {
  let database: TestDatabase;
  const cli = (...argv: string[]) => runOn(database, argv);
  const withApp = (work: (t: TestApp) => Promise<void>) => withAppOn(database, work);

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
    expect(JSON.parse(verified.out)).toMatchObject({
      ok: true,
      checked: 5,
      last_seq: 5,
      checkpoints: { present: 0, verified: 0, unverified: 0, status: 'none' },
    });
    expect(verified.err).toContain('no signed checkpoints to verify');

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

describe('npm run cli -- audit:verify with signed checkpoints', () => {
  let database: TestDatabase;
  const cli = (argv: string[], env: Record<string, string> = {}) => runOn(database, argv, env);

  beforeAll(async () => {
    database = await createTestDatabase();
    await withAppOn(
      database,
      async (t) => {
        const checkpoints = t.app.get(AuditCheckpointService);
        await record(t, { resourceId: 'signed-1' });
        expect(await checkpoints.checkpoint()).not.toBeNull();
        await record(t, { resourceId: 'signed-2' });
        expect(await checkpoints.checkpoint()).not.toBeNull();
      },
      { AUDIT_HMAC_KEY: HMAC_KEY },
    );
  });
  afterAll(() => database.drop());

  it('without the key, fails (exit 3) and says the checkpoints were not verified', async () => {
    const verified = await cli(['audit:verify']);
    expect(verified.code).toBe(3);
    expect(JSON.parse(verified.out)).toMatchObject({
      ok: false,
      checkpoints_checked: 0,
      checkpoints: { present: 2, verified: 0, unverified: 2, status: 'unverified' },
    });
    expect(verified.err).toContain('2 signed checkpoint(s) NOT verified');
  });

  it('with --without-checkpoints, accepts the hash chain alone and reports the checkpoints as not checked', async () => {
    const verified = await cli(['audit:verify', '--without-checkpoints']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({
      ok: true,
      checkpoints: { present: 2, verified: 0, unverified: 2, status: 'not_checked' },
    });
    expect(verified.err).toContain('not checked');
  });

  it('with the key, verifies every checkpoint', async () => {
    const verified = await cli(['audit:verify'], { AUDIT_HMAC_KEY: HMAC_KEY });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({
      ok: true,
      checkpoints_checked: 2,
      checkpoints: { present: 2, verified: 2, unverified: 0, status: 'verified' },
    });
  });
});
