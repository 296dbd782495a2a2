import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data folder holds password hashes, sessions, the audit log and generated secrets: nobody but the
 * service's own OS user may read it. A process-wide umask of 0o077, set before anything is created, covers
 * every file and folder the process makes — the folder (0700), `aegis.sqlite` and the `-wal`/`-shm` files
 * SQLite creates beside it (0600; SQLite gives them the database file's mode), generated secrets, audit
 * exports — including files created by libraries that take no mode argument. Explicit modes alone would miss
 * those.
 */
export const PRIVATE_UMASK = 0o077;

/** Call first thing in an entry point (server or CLI), before configuration generates a secret. */
export function keepCreatedFilesPrivate(): void {
  process.umask(PRIVATE_UMASK);
}

/**
 * Files and folders that an older version (or a copy) left readable by others are tightened at start-up:
 * the umask only applies to what is created from now on. Only paths the service's own user owns, and only
 * by removing group/other bits. Returns what was changed, for a log line.
 */
export function tightenDataFiles(dataDir: string, sqlitePath?: string): string[] {
  const files = [
    'jwt-secret',
    'oidc-encryption-key',
    'mfa-encryption-key',
    'initial-admin-password',
  ].map((name) => join(dataDir, name));
  if (sqlitePath) files.push(sqlitePath, `${sqlitePath}-wal`, `${sqlitePath}-shm`);
  return [
    ...[dataDir].filter((path) => tighten(path, 0o700)),
    ...files.filter((path) => tighten(path, 0o600)),
  ];
}

function tighten(path: string, mode: number): boolean {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return false;
  }
  if ((stats.mode & 0o077) === 0 || stats.uid !== process.getuid?.()) return false;
  chmodSync(path, mode & stats.mode);
  return true;
}
