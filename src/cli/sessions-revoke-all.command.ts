import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { CliCommand, type CliCommandRunner, type CliOutput } from '../common/cli/cli-command';
import { cliOperator } from '../common/cli/cli-operator';
import { SignOutEveryone, type SignedOut } from './sign-out-everyone.service';

/** The audit details of a sign-out of everyone (shared with `db:restore`). */
export function signedOutDetails(signedOut: SignedOut): Record<string, number> {
  return {
    sessions_ended: signedOut.sessions,
    oidc_grants_ended: signedOut.grants,
    oidc_artifacts_deleted: signedOut.artifacts,
  };
}

/**
 * `npm run cli -- sessions:revoke-all`: every user signs in again, in Aegis and in every tool. Run after restoring
 * PostgreSQL from a dump (a restored database holds sessions as they were at the dump, logged-out ones included),
 * or when a signing secret or the database may have leaked. `db:restore` does the same on SQLite by itself.
 */
@CliCommand({
  name: 'sessions:revoke-all',
  summary:
    'End every session and every OpenID sign-in of every user (after restoring a database from a backup)',
  options: {},
})
export class SessionsRevokeAllCommand implements CliCommandRunner {
  constructor(
    private readonly signOut: SignOutEveryone,
    private readonly audit: AuditService,
  ) {}

  async run(_values: unknown, output: CliOutput): Promise<number> {
    const operator = cliOperator();
    const signedOut = await this.signOut.run((ended) =>
      this.audit.record({
        action: AuditAction.SessionsRevokedAll,
        outcome: 'success',
        actorUserId: operator.userId,
        resourceType: 'session',
        details: { ...operator.details, ...signedOutDetails(ended) },
      }),
    );
    output.out(
      `Ended ${signedOut.sessions} session(s) and ${signedOut.grants} OpenID grant(s) (${signedOut.artifacts} provider artifact(s) deleted).`,
    );
    return 0;
  }
}
