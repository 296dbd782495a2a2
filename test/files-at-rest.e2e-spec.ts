import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AegisProcess, ensureBuilt } from './support/aegis-process';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

/**
 * The data folder as a real process (`node dist/src/main.js`) leaves it: SQLite and a generated JWT secret
 * (files at rest hold password hashes, sessions and the audit log). Always SQLite: the files are the point.
 */
describe('files at rest', () => {
  let root: string;
  let aegis: AegisProcess | undefined;

  beforeAll(() => {
    ensureBuilt();
    root = mkdtempSync(join(tmpdir(), 'aegis-files-'));
  }, 120_000);
  afterEach(async () => {
    await aegis?.stop();
    aegis = undefined;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const dataDir = () => join(root, 'data');
  const start = () =>
    AegisProcess.start({ AEGIS_ENV: 'test', DATA_DIR: dataDir(), LOG_LEVEL: 'log' });
  const files = () => ['aegis.sqlite', 'aegis.sqlite-wal', 'aegis.sqlite-shm', 'jwt-secret'];

  it('creates the data folder 0700 and the database, WAL, shared-memory and secret files 0600', async () => {
    aegis = await start();
    expect(modeOf(dataDir())).toBe('700');
    expect(
      Object.fromEntries(files().map((name) => [name, modeOf(join(dataDir(), name))])),
    ).toEqual(Object.fromEntries(files().map((name) => [name, '600'])));
  });

  it('tightens a data folder and files left readable by an older version', async () => {
    chmodSync(dataDir(), 0o755);
    for (const name of ['aegis.sqlite', 'jwt-secret']) chmodSync(join(dataDir(), name), 0o644);
    aegis = await start();
    expect(modeOf(dataDir())).toBe('700');
    for (const name of files())
      expect([name, modeOf(join(dataDir(), name))]).toEqual([name, '600']);
    expect(aegis.log).toContain('Removed group/other permissions');
  });
});
