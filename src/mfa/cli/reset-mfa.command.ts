import {
  CliCommand,
  type CliCommandRunner,
  type CliOutput,
  type CliValues,
} from '../../common/cli/cli-command';
import { cliOperator } from '../../common/cli/cli-operator';
import { UnitOfWork } from '../../database/unit-of-work';
import { UserAdministrationService } from '../../users/user-administration.service';
import { MfaFactorsService } from '../mfa-factors.service';

/** What DELETE /users/{id}/mfa does, for when no administrator can sign in (the only admin lost their phone). */
@CliCommand({
  name: 'users:reset-mfa',
  summary:
    "Remove every second factor and recovery code of a user and end the user's sessions (a lost phone)",
  options: { username: { type: 'string', description: 'the login name', required: true } },
})
export class ResetMfaCommand implements CliCommandRunner {
  constructor(
    private readonly administration: UserAdministrationService,
    private readonly factors: MfaFactorsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async run(values: CliValues, output: CliOutput): Promise<number> {
    const username = values.username as string;
    await this.unitOfWork.run(async () => {
      const user = await this.administration.getByUsername(username);
      await this.factors.resetForUser(user.id, null, undefined, cliOperator().details);
    });
    output.out(`Removed the second factors of "${username}" and ended the user's sessions.`);
    return 0;
  }
}
