import type { CliCommand } from './cli-command';

/** Every CLI command. Feature commands are added here. */
export const COMMANDS: CliCommand[] = [];
