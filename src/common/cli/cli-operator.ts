import { userInfo } from 'node:os';

/** CLI actions are audited with no actor user but the operator's OS account. */
export function cliOperator(): { userId: null; details: Record<string, string> } {
  let osUser = 'unknown';
  try {
    osUser = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return { userId: null, details: { source: 'cli', operator: osUser } };
}
