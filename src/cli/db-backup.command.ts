import { chmodSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import {
  CliCommand,
  type CliCommandRunner,
  type CliOutput,
  type CliValues,
} from '../common/cli/cli-command';

/** better-sqlite3's handle, as TypeORM's driver holds it. */
interface SqliteHandle {
  backup(destination: string): Promise<unknown>;
}

/**
 * `npm run cli -- db:backup --to <file>`: a consistent copy of the SQLite database while the service runs
 * (SQLite's online backup API, which copies pages under a read lock and picks up what the WAL holds), written
 * 0600. Restore with `db:restore` (DbRestoreCommand), which also ends the sessions the copy holds.
 * PostgreSQL has its own tools (pg_dump): refused with a pointer to them.
 */
@CliCommand({
  name: 'db:backup',
  summary:
    'Copy the SQLite database, online and consistent, to a new file (PostgreSQL: use pg_dump)',
  options: {
    to: {
      type: 'string',
      required: true,
      description: 'The backup file to create (must not exist)',
    },
  },
})
export class DbBackupCommand implements CliCommandRunner {
  constructor(private readonly dataSource: DataSource) {}

  async run(values: CliValues, output: CliOutput): Promise<number> {
    const dataSource = this.dataSource;
    if (dataSource.options.type !== 'better-sqlite3') {
      output.err(
        'db:backup copies the SQLite database; for PostgreSQL use pg_dump (see docs/operations.md).',
      );
      return 2;
    }
    const target = resolve(String(values.to));
    if (existsSync(target)) {
      output.err(`${target} already exists: choose a new file name (a backup never overwrites).`);
      return 2;
    }
    const handle = (dataSource.driver as unknown as { databaseConnection: SqliteHandle })
      .databaseConnection;
    await handle.backup(target);
    chmodSync(target, 0o600);
    output.out(`Backed up to ${target}`);
    return 0;
  }
}
