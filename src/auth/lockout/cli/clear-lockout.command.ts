import type { CliCommand } from '../../../cli/cli-command';
import { UnitOfWork } from '../../../database/unit-of-work';
import { UserAdministrationService } from '../../../users/user-administration.service';
import { operator, resetPasswordCommand } from '../../../users/users.commands';
import { LoginLockoutService } from '../login-lockout.service';

/** Lifts the account's lockout (its shared budget and every device budget), audited like the admin route. */
async function clearLockout(app: Parameters<CliCommand['run']>[0], username: string) {
  await app.get(UnitOfWork).run(async () => {
    const user = await app.get(UserAdministrationService).getByUsername(username);
    await app
      .get(LoginLockoutService)
      .clearForUser(user.id, null, undefined, operator().details as Record<string, string>);
  });
}

export const clearLockoutCommand: CliCommand = {
  name: 'users:clear-lockout',
  summary: "Lift a user's login lockout at once (e.g. the only admin, locked by someone guessing)",
  options: { username: { type: 'string', description: 'the login name', required: true } },
  async run(app, values, output) {
    await clearLockout(app, values.username as string);
    output.out(`Cleared the login lockout of "${values.username as string}".`);
    return 0;
  },
};

/** users:reset-password, which also lifts the lockout: a new password is useless on a locked account. */
export const resetPasswordAndLockoutCommand: CliCommand = {
  ...resetPasswordCommand,
  summary: `${resetPasswordCommand.summary}, and lift its login lockout`,
  async run(app, values, output) {
    const code = await resetPasswordCommand.run(app, values, output);
    if (code === 0) await clearLockout(app, values.username as string);
    return code;
  },
};
