import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  constants,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

/** The few calls of better-sqlite3 (which ships no types) used here. */
interface SqliteFile {
  pragma(source: string, options?: { simple: boolean }): unknown;
  prepare(sql: string): { get(): unknown; all(): unknown[] };
  close(): void;
}
type OpenSqliteFile = new (
  path: string,
  options: { fileMustExist?: boolean; timeout: number },
) => SqliteFile;

// Outside TypeORM on purpose: a file opened here is checked or probed, never served.
const Database = createRequire(__filename)('better-sqlite3') as OpenSqliteFile;

/** Why a restore was refused before anything was replaced: shown to the operator as is. */
export class RestoreRefused extends Error {}

const SIDE_FILES = ['-wal', '-shm', '-journal'];

function removeWithSideFiles(path: string): void {
  for (const suffix of ['', ...SIDE_FILES]) rmSync(`${path}${suffix}`, { force: true });
}

function fsyncPath(path: string, flags = constants.O_RDONLY): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A copy of the backup beside the live database (same file system, so the final rename is atomic), private
 * (0600) and checked: a SQLite file, intact, an Aegis database (it has the migrations table), and of no schema
 * newer than this code knows (running it would meet tables it does not understand).
 */
export function stageBackup(backup: string, live: string, knownMigrations: string[]): string {
  const staged = join(
    dirname(live),
    `.${basename(live)}.restore-${randomBytes(6).toString('hex')}`,
  );
  try {
    copyFileSync(backup, staged, constants.COPYFILE_EXCL);
    chmodSync(staged, 0o600);
    checkAegisDatabase(staged, knownMigrations);
    fsyncPath(staged);
    return staged;
  } catch (error) {
    removeWithSideFiles(staged);
    throw error;
  }
}

function checkAegisDatabase(path: string, knownMigrations: string[]): void {
  let db: SqliteFile;
  let applied: string[];
  try {
    db = new Database(path, { fileMustExist: true, timeout: 0 });
  } catch (error) {
    throw new RestoreRefused(`not a SQLite database (${(error as Error).message})`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new RestoreRefused(`the SQLite file is damaged (${check})`);
    const hasMigrations = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
      .get();
    if (!hasMigrations) throw new RestoreRefused('not an Aegis database (no migrations table)');
    applied = (db.prepare('SELECT name FROM migrations').all() as { name: string }[]).map(
      (row) => row.name,
    );
    // Back to a single file: nothing of the copy may stay in a -wal the rename would leave behind.
    db.pragma('journal_mode = DELETE');
  } catch (error) {
    if (error instanceof RestoreRefused) throw error;
    throw new RestoreRefused(`not a SQLite database (${(error as Error).message})`);
  } finally {
    db.close();
  }
  const known = new Set(knownMigrations);
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new RestoreRefused(
      `the backup has a newer schema than this version of Aegis (unknown migrations: ${unknown.join(', ')}): restore it with the version that wrote it`,
    );
  }
}

/**
 * Refuses while another process has the live database open: switching it out of WAL mode needs the only
 * connection, and a running service holds one. The caller has closed its own.
 */
export function assertNotInUse(live: string): void {
  let db: SqliteFile | undefined;
  try {
    db = new Database(live, { timeout: 0 });
    db.pragma('journal_mode = DELETE');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new RestoreRefused(
        `${live} is in use (is the service running?): stop every Aegis process using it first`,
      );
    }
    throw error;
  } finally {
    db?.close();
  }
}

/** Puts the staged copy in place of the live database in one rename, then makes the rename durable. */
export function replaceDatabase(staged: string, live: string): void {
  for (const suffix of SIDE_FILES) rmSync(`${live}${suffix}`, { force: true });
  renameSync(staged, live);
  fsyncPath(dirname(live));
}

/** Drops a staged copy that was not used. */
export function discardStaged(staged: string): void {
  removeWithSideFiles(staged);
}
