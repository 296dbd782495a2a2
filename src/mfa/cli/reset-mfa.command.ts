import type { CliCommand } from '../../cli/cli-command';
import { UnitOfWork } from '../../database/unit-of-work';
import { UserAdministrationService } from '../../users/user-administration.service';
import { operator } from '../../users/users.commands';
import { MfaFactorsService } from '../mfa-factors.service';

/** What DELETE /users/{id}/mfa does, for when no administrator can sign in (the only admin lost their phone). */
export const resetMfaCommand: CliCommand = {
  name: 'users:reset-mfa',
  summary:
    "Remove every second factor and recovery code of a user and end the user's sessions (a lost phone)",
  options: { username: { type: 'string', description: 'the login name', required: true } },
  async run(app, values, output) {
    const username = values.username as string;
    await app.get(UnitOfWork).run(async () => {
      const user = await app.get(UserAdministrationService).getByUsername(username);
      await app
        .get(MfaFactorsService)
        .resetForUser(user.id, null, undefined, operator().details as Record<string, string>);
    });
    output.out(`Removed the second factors of "${username}" and ended the user's sessions.`);
    return 0;
  },
};
