import type { Logger } from '@nestjs/common';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file of the bootstrap administrator's one-time password, in the data folder. */
export const ADMIN_PASSWORD_FILE = 'initial-admin-password';

/**
 * The generated password of the first administrator goes to DATA_DIR/initial-admin-password (mode 0600) and
 * the log names the file, never the password (log lines end up in log stores; a live credential must not).
 * On an interactive terminal it is also shown, for the operator who just typed `npm start`.
 */
export function announceOneTimePassword(
  dataDir: string,
  username: string,
  password: string,
  logger: Pick<Logger, 'log'>,
): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, ADMIN_PASSWORD_FILE);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  // An older file of that name keeps its mode on rewrite.
  chmodSync(file, 0o600);
  logger.log(
    `Created the administrator "${username}"; its one-time password is in ${file}: ` +
      'sign in, change it, then delete the file',
  );
  if (process.stdout.isTTY) {
    console.log(
      `\n  Aegis created the administrator "${username}" with the one-time password:\n\n      ${password}\n\n` +
        `  (also in ${file}) Sign in and change it now.\n`,
    );
  }
}
