import { dbBackupCommand } from './db-backup.command';
import { auditExportCommand } from '../audit/cli/audit-export.command';
import { auditVerifyCommand } from '../audit/cli/audit-verify.command';
import {
  clearLockoutCommand,
  resetPasswordAndLockoutCommand,
} from '../auth/lockout/cli/clear-lockout.command';
import { clientsCreateCommand } from '../oidc/cli/clients-create.command';
import { keysRotateCommand } from '../oidc/cli/keys-rotate.command';
import { resetMfaCommand } from '../mfa/cli/reset-mfa.command';
import { USER_COMMANDS } from '../users/users.commands';
import type { CliCommand } from './cli-command';

/** Every CLI command. Feature commands are added here. */
export const COMMANDS: CliCommand[] = [
  ...USER_COMMANDS.map((command) =>
    command.name === resetPasswordAndLockoutCommand.name ? resetPasswordAndLockoutCommand : command,
  ),
  clearLockoutCommand,
  resetMfaCommand,
  auditVerifyCommand,
  auditExportCommand,
  clientsCreateCommand,
  keysRotateCommand,
  dbBackupCommand,
];
