import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MIGRATIONS } from '../src/database/migrations';
import { ensureBuilt } from './support/aegis-process';

const ENTRY = resolve(__dirname, '../dist/src/main.js');
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')) as { version: string }
).version;

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** Starts Aegis, waits for it to listen, stops it; its output lines, stdout and stderr. */
async function startAndStop(env: Record<string, string>): Promise<string[]> {
  const child = spawn(process.execPath, [ENTRY], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      SHUTDOWN_DRAIN: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((done) => child.on('exit', done));
  await new Promise<void>((listening, failed) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Listening on')) listening();
    });
    void exited.then(() => failed(new Error(`exited before listening:\n${stdout}`)));
  });
  child.kill('SIGTERM');
  await exited;
  return `${stdout}${stderr}`.split('\n').filter((line) => line.trim() !== '');
}

describe('start-up output an operator can read', () => {
  let dir: string;
  beforeAll(() => ensureBuilt(), 120_000);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aegis-startup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs Aegis to its exit; every line it wrote, parsed (a line that is not JSON fails the test). */
  function runToExit(env: Record<string, string>) {
    const result = spawnSync(process.execPath, [ENTRY], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const lines = `${result.stdout}${result.stderr}`
      .split('\n')
      .filter((line) => line.trim() !== '');
    return {
      status: result.status,
      records: lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  }

  it('stops with one JSON line naming DATABASE_URL without its password, and exit code 1, when the database cannot be reached', async () => {
    const port = await closedPort();
    const { status, records } = runToExit({
      DATA_DIR: dir,
      AEGIS_ENV: 'development',
      DATABASE_URL: `postgres://aegis:hunter2-secret@127.0.0.1:${port}/aegis`,
    });
    expect(status).toBe(1);
    // Nothing else, on either stream: no library's notice (such as oidc-provider's about an unsupported runtime).
    expect(records).toEqual([
      {
        level: 'fatal',
        time: expect.any(String),
        service: 'aegis',
        pid: expect.any(Number),
        msg: `Cannot use the database at DATABASE_URL=postgres://aegis:***@127.0.0.1:${port}/aegis`,
        details: [
          `connection refused: nothing listens on that host and port (connect ECONNREFUSED 127.0.0.1:${port})`,
        ],
      },
    ]);
    expect(JSON.stringify(records)).not.toContain('hunter2');
  }, 40_000);

  it('stops with one JSON line listing every configuration problem, and exit code 1', () => {
    const { status, records } = runToExit({
      DATA_DIR: dir,
      PORT: 'eighty',
      SHUTDOWN_DRAIN: 'soon',
    });
    expect(status).toBe(1);
    expect(records).toEqual([
      expect.objectContaining({
        level: 'fatal',
        msg: 'Invalid configuration',
        details: [expect.stringContaining('PORT'), expect.stringContaining('SHUTDOWN_DRAIN')],
      }),
    ]);
  });

  it('names version, commit, Node, database and the migrations applied at this start; the docs only when served', async () => {
    const env = { DATA_DIR: dir, AEGIS_ENV: 'development', AEGIS_COMMIT: '0123abc' };
    const startOf = (lines: string[]) =>
      lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((record) => String(record.msg).startsWith('Listening on'));

    const first = await startAndStop(env);
    expect(startOf(first)).toMatchObject({
      level: 'info',
      version: PACKAGE_VERSION,
      commit: '0123abc',
      node: process.version,
      database: 'sqlite',
      migrations_applied: MIGRATIONS.map((m) => m.name),
      docs: '/docs',
      msg: expect.stringMatching(
        new RegExp(
          `^Listening on http://127\\.0\\.0\\.1:\\d+ \\(Aegis ${PACKAGE_VERSION}, commit 0123abc, Node ${process.version}, sqlite, ${MIGRATIONS.length} migrations applied\\); Swagger UI at /docs$`,
        ),
      ),
    });

    // The same database again, docs off: nothing to migrate, and no line about /docs.
    const again = startOf(await startAndStop({ ...env, AEGIS_COMMIT: '', DOCS_ENABLED: 'false' }));
    expect(again).toMatchObject({ commit: null, migrations_applied: [], docs: null });
    expect(again?.msg).toContain('sqlite, 0 migrations applied)');
    expect(again?.msg).not.toMatch(/docs|swagger/i);
  }, 60_000);

  it('writes only JSON lines (stdout and stderr: no runtime warning), with Nest framework lines at debug and not at the default level', async () => {
    const normal = await startAndStop({ DATA_DIR: join(dir, 'a'), AEGIS_ENV: 'development' });
    const records = normal.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.context)).not.toContain('InstanceLoader');
    expect(records.map((record) => record.context)).not.toContain('RouterExplorer');
    expect(records.length).toBeLessThan(10);

    const debug = await startAndStop({
      DATA_DIR: join(dir, 'b'),
      AEGIS_ENV: 'development',
      LOG_LEVEL: 'debug',
    });
    const framework = debug
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => record.context === 'InstanceLoader');
    expect(framework.length).toBeGreaterThan(5);
    expect(framework.every((record) => record.level === 'debug')).toBe(true);
  }, 60_000);
});
