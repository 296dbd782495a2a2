import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBuilt } from './support/aegis-process';

const ENTRY = resolve(__dirname, '../dist/src/main.js');

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
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
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

  it('stops with two lines naming DATABASE_URL without its password, and exit code 1, when the database cannot be reached', async () => {
    const port = await closedPort();
    const result = spawnSync(process.execPath, [ENTRY], {
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dir,
        AEGIS_ENV: 'development',
        DATABASE_URL: `postgres://aegis:hunter2-secret@127.0.0.1:${port}/aegis`,
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    // Nothing else, on either stream: no library's notice (such as oidc-provider's about an unsupported runtime).
    const lines = `${result.stdout}${result.stderr}`
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines).toEqual([
      `Cannot use the database at DATABASE_URL=postgres://aegis:***@127.0.0.1:${port}/aegis`,
      `  connection refused: nothing listens on that host and port (connect ECONNREFUSED 127.0.0.1:${port})`,
    ]);
    expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2');
  }, 40_000);

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
