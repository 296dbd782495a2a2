import { ConfigError } from '../config/app-config';
import { DatabaseUnreachableError } from '../database/database-reachability';

/**
 * The line a start-up that cannot go on writes (to stderr) before exiting 1: JSON like every other line, with
 * the message an operator acts on and its details as a list, since no logger may exist yet (a configuration
 * error stops the start before one is built).
 */
export function fatalLine(error: unknown): string {
  let msg: string;
  let details: string[];
  if (error instanceof ConfigError) {
    msg = 'Invalid configuration';
    details = error.problems;
  } else if (error instanceof DatabaseUnreachableError) {
    [msg, ...details] = error.message.split('\n').map((line) => line.trim());
  } else {
    msg = `Aegis failed to start: ${error instanceof Error ? error.message : String(error)}`;
    details = [];
  }
  return JSON.stringify({
    level: 'fatal',
    time: new Date().toISOString(),
    service: 'aegis',
    pid: process.pid,
    msg,
    ...(details.length > 0 && { details }),
  });
}
