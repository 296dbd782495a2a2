import { dbBackupCommand } from './db-backup.command';
import { auditExportCommand } from '../audit/cli/audit-export.command';
import { auditVerifyCommand } from '../audit/cli/audit-verify.command';
import {
  clearLockoutCommand,
  resetPasswordAndLockoutCommand,
} from '../auth/cli/clear-lockout.command';
import { USER_COMMANDS } from '../users/users.commands';
import type { CliCommand } from './cli-command';

/** Every CLI command. Feature commands are added here. */
export const COMMANDS: CliCommand[] = [
  ...USER_COMMANDS.map((command) =>
    command.name === resetPasswordAndLockoutCommand.name ? resetPasswordAndLockoutCommand : command,
  ),
  clearLockoutCommand,
  auditVerifyCommand,
  auditExportCommand,
  dbBackupCommand,
];
