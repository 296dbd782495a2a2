import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppConfig } from '../config/app-config';

/** Written by the container build (Dockerfile) next to the compiled code when the commit is known. */
const COMMIT_FILE = join('dist', 'COMMIT');

/** The folder of Aegis' package.json (the source tree, or the container's /app): found upwards from here. */
function packageRoot(): string | undefined {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function readIfPresent(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() || undefined : undefined;
}

/** Which build runs: package.json's version, and the commit when the environment or the build says it. */
export function buildInfo(config: Pick<AppConfig, 'commit'>): { version: string; commit?: string } {
  const root = packageRoot();
  const pkg = root && readIfPresent(join(root, 'package.json'));
  const version = pkg ? (JSON.parse(pkg) as { version?: string }).version : undefined;
  return {
    version: version ?? 'unknown',
    commit: config.commit ?? (root ? readIfPresent(join(root, COMMIT_FILE)) : undefined),
  };
}

/**
 * The one line an operator reads after a deploy: what runs (version, commit, Node, database), what changed in
 * the schema at this start, and where it listens. The docs are named only when they are served.
 */
export function startLine(
  url: string,
  config: Pick<AppConfig, 'commit' | 'docsEnabled'> & { database: { kind: string } },
  migrationsApplied: readonly string[],
): Record<string, unknown> {
  const { version, commit } = buildInfo(config);
  const what = [
    `Aegis ${version}`,
    ...(commit ? [`commit ${commit}`] : []),
    `Node ${process.version}`,
    config.database.kind,
    `${migrationsApplied.length} migration${migrationsApplied.length === 1 ? '' : 's'} applied`,
  ].join(', ');
  return {
    msg: `Listening on ${url} (${what})${config.docsEnabled ? '; Swagger UI at /docs' : ''}`,
    version,
    commit: commit ?? null,
    node: process.version,
    database: config.database.kind,
    migrations_applied: migrationsApplied,
    docs: config.docsEnabled ? '/docs' : null,
  };
}
