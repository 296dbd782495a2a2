import {
  CliCommand,
  type CliCommandRunner,
  type CliOutput,
  type CliValues,
} from '../../../common/cli/cli-command';
import { cliOperator } from '../../../common/cli/cli-operator';
import { UnitOfWork } from '../../../database/unit-of-work';
import { UserAdministrationService } from '../../../users/user-administration.service';
import { LoginLockoutService } from '../login-lockout.service';

const USERNAME = {
  username: { type: 'string', description: 'the login name', required: true },
} as const;

@CliCommand({
  name: 'users:clear-lockout',
  summary: "Lift a user's login lockout at once (e.g. the only admin, locked by someone guessing)",
  options: USERNAME,
})
export class ClearLockoutCommand implements CliCommandRunner {
  constructor(
    private readonly administration: UserAdministrationService,
    private readonly lockouts: LoginLockoutService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** Lifts the account's lockout (its shared budget and every device budget), audited like the admin route. */
  async run(values: CliValues, output: CliOutput): Promise<number> {
    await this.unitOfWork.run(async () => {
      const user = await this.administration.getByUsername(values.username as string);
      await this.lockouts.clearForUser(user.id, null, undefined, cliOperator().details);
    });
    output.out(`Cleared the login lockout of "${values.username as string}".`);
    return 0;
  }
}

/**
 * Also lifts the lockout, in the same transaction: a new password is useless on a locked account, and a reset
 * whose lockout could not be lifted must not stand half done (the operator runs it again).
 */
@CliCommand({
  name: 'users:reset-password',
  summary:
    "Give a user a new one-time password (printed once) and end all of the user's sessions, and lift its login lockout",
  options: USERNAME,
})
export class ResetPasswordCommand implements CliCommandRunner {
  constructor(
    private readonly administration: UserAdministrationService,
    private readonly lockouts: LoginLockoutService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async run(values: CliValues, output: CliOutput): Promise<number> {
    const operator = cliOperator();
    const { user, oneTimePassword } = await this.unitOfWork.run(async () => {
      const target = await this.administration.getByUsername(values.username as string);
      const reset = await this.administration.resetPassword(operator, target.id);
      await this.lockouts.clearForUser(target.id, null, undefined, operator.details);
      return reset;
    });
    output.out(`Reset the password of "${user.username}"; every session of the account has ended.`);
    output.out(
      `One-time password (shown once, must be changed at first login): ${oneTimePassword}`,
    );
    return 0;
  }
}
