import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import {
  CliCommand,
  type CliCommandRunner,
  type CliOutput,
  type CliValues,
} from '../common/cli/cli-command';
import { cliOperator } from '../common/cli/cli-operator';
import { UnitOfWork } from '../database/unit-of-work';
import { signedOutDetails } from './sessions-revoke-all.command';
import { SignOutEveryone, type SignedOut } from './sign-out-everyone.service';
import {
  assertNotInUse,
  discardStaged,
  replaceDatabase,
  RestoreRefused,
  stageBackup,
} from './sqlite-restore';

/**
 * `npm run cli -- db:restore --from <file>`: puts a SQLite backup in place of SQLITE_PATH, with the service
 * stopped. A backup holds every session as it was when it was taken, so a token logged out since would work
 * again: unless `--keep-sessions`, every session and OpenID sign-in of the restored database ends, and the restore
 * is audited in the restored chain. PostgreSQL: pg_restore, then `sessions:revoke-all` (docs/operations.md).
 */
@CliCommand({
  name: 'db:restore',
  summary:
    'Replace the SQLite database with a backup (service stopped) and end every session it holds (PostgreSQL: pg_restore)',
  options: {
    from: { type: 'string', required: true, description: 'The backup file (from db:backup)' },
    'keep-sessions': {
      type: 'boolean',
      description:
        'Keep the sessions the backup holds: sessions ended after the backup are live again',
    },
  },
})
export class DbRestoreCommand implements CliCommandRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly signOut: SignOutEveryone,
    private readonly audit: AuditService,
  ) {}

  async run(values: CliValues, output: CliOutput): Promise<number> {
    if (this.dataSource.options.type !== 'better-sqlite3') {
      output.err(
        'db:restore replaces the SQLite database; for PostgreSQL use pg_restore, then `npm run cli -- sessions:revoke-all` (see docs/operations.md).',
      );
      return 2;
    }
    const backup = resolve(String(values.from));
    const live = resolve(this.dataSource.options.database);
    const keepSessions = values['keep-sessions'] === true;
    if (!existsSync(backup) || !statSync(backup).isFile()) {
      output.err(`${backup} is not a file. Nothing was restored.`);
      return 2;
    }
    if (backup === live) {
      output.err(`${backup} is the live database (SQLITE_PATH). Nothing was restored.`);
      return 2;
    }

    let staged: string;
    try {
      staged = stageBackup(
        backup,
        live,
        this.dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name),
      );
      // This process opened the live database at start (and migrated it): close it to see who else has it open.
      await this.dataSource.destroy();
      try {
        assertNotInUse(live);
      } catch (error) {
        discardStaged(staged);
        throw error;
      }
    } catch (error) {
      if (!(error instanceof RestoreRefused)) throw error;
      output.err(`${backup}: ${error.message}. Nothing was restored.`);
      return 2;
    }
    replaceDatabase(staged, live);
    output.err(`Restored ${backup} to ${live}.`);

    try {
      // Reopens the path, now the restored file, and migrates it as the service would at start.
      await this.dataSource.initialize();
      const signedOut = await this.finish(basename(backup), keepSessions);
      output.out(
        keepSessions
          ? `Restored ${basename(backup)}; sessions kept (--keep-sessions): every session the backup holds is live again.`
          : `Restored ${basename(backup)}; ended ${signedOut?.sessions} session(s) and ${signedOut?.grants} OpenID grant(s).`,
      );
      return 0;
    } catch (error) {
      output.err(
        `The database was replaced, but its sessions were NOT ended (${(error as Error).message}): run \`npm run cli -- sessions:revoke-all\` before starting the service.`,
      );
      return 1;
    }
  }

  private async finish(file: string, keepSessions: boolean): Promise<SignedOut | null> {
    const operator = cliOperator();
    const record = (details: Record<string, number>) =>
      this.audit.record({
        action: AuditAction.DatabaseRestored,
        outcome: 'success',
        actorUserId: operator.userId,
        resourceType: 'database',
        details: { ...operator.details, file, keep_sessions: keepSessions, ...details },
      });
    if (keepSessions) {
      await this.unitOfWork.run(() => record({}));
      return null;
    }
    return this.signOut.run((signedOut) => record(signedOutDetails(signedOut)));
  }
}
