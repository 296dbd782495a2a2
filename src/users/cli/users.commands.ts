import {
  CliCommand,
  type CliCommandRunner,
  type CliOutput,
  type CliValues,
} from '../../common/cli/cli-command';
import { cliOperator } from '../../common/cli/cli-operator';
import { Role } from '../../common/access/role';
import { UnitOfWork } from '../../database/unit-of-work';
import { UserAdministrationService } from '../user-administration.service';

const ROLES = Object.values(Role) as string[];
const USERNAME = {
  username: { type: 'string', description: 'the login name', required: true },
} as const;

@CliCommand({
  name: 'users:create',
  summary: 'Create a user with a one-time password (printed once; must be changed at first login)',
  options: {
    username: { type: 'string', description: 'the login name', required: true },
    role: { type: 'string', description: `one of ${ROLES.join(', ')} (default user)` },
    'display-name': { type: 'string', description: 'a human-readable name' },
  },
})
export class CreateUserCommand implements CliCommandRunner {
  constructor(
    private readonly administration: UserAdministrationService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async run(values: CliValues, output: CliOutput): Promise<number> {
    const role = (values.role as string | undefined) ?? Role.User;
    if (!ROLES.includes(role)) {
      output.err(`--role must be one of ${ROLES.join(', ')}`);
      return 2;
    }
    const { user, oneTimePassword } = await this.unitOfWork.run(() =>
      this.administration.create(cliOperator(), {
        username: values.username as string,
        role: role as Role,
        displayName: values['display-name'] as string | undefined,
      }),
    );
    output.out(`Created ${user.role} "${user.username}" (${user.id}).`);
    output.out(
      `One-time password (shown once, must be changed at first login): ${oneTimePassword}`,
    );
    return 0;
  }
}

@CliCommand({
  name: 'users:list',
  summary: 'List users (username, role, active, must change password)',
  options: {
    role: { type: 'string', description: `only this role (${ROLES.join(', ')})` },
    prefix: { type: 'string', description: 'only usernames starting with this' },
  },
})
export class ListUsersCommand implements CliCommandRunner {
  constructor(private readonly administration: UserAdministrationService) {}

  async run(values: CliValues, output: CliOutput): Promise<number> {
    const role = values.role as string | undefined;
    if (role !== undefined && !ROLES.includes(role)) {
      output.err(`--role must be one of ${ROLES.join(', ')}`);
      return 2;
    }
    output.out(['username', 'role', 'active', 'must_change_password', 'id'].join('\t'));
    let cursor: string | undefined;
    do {
      const page = await this.administration.list({
        role: role as Role | undefined,
        usernamePrefix: values.prefix as string | undefined,
        cursor,
        limit: 200,
      });
      for (const user of page.items) {
        output.out(
          [user.username, user.role, user.isActive, user.mustChangePassword, user.id].join('\t'),
        );
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return 0;
  }
}

/** users:enable / users:disable: the same change an admin makes with PATCH /users/{id}. */
async function setActive(
  administration: UserAdministrationService,
  unitOfWork: UnitOfWork,
  username: string,
  isActive: boolean,
  output: CliOutput,
): Promise<number> {
  const user = await unitOfWork.run(async () => {
    const target = await administration.getByUsername(username);
    return administration.update(cliOperator(), target.id, { isActive });
  });
  output.out(`${isActive ? 'Enabled' : 'Disabled'} "${user.username}".`);
  return 0;
}

@CliCommand({ name: 'users:enable', summary: 'Enable a disabled user', options: USERNAME })
export class EnableUserCommand implements CliCommandRunner {
  constructor(
    private readonly administration: UserAdministrationService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  run(values: CliValues, output: CliOutput): Promise<number> {
    return setActive(this.administration, this.unitOfWork, values.username as string, true, output);
  }
}

@CliCommand({
  name: 'users:disable',
  summary:
    'Disable a user and end every session at once (the last active admin cannot be disabled)',
  options: USERNAME,
})
export class DisableUserCommand implements CliCommandRunner {
  constructor(
    private readonly administration: UserAdministrationService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  run(values: CliValues, output: CliOutput): Promise<number> {
    return setActive(
      this.administration,
      this.unitOfWork,
      values.username as string,
      false,
      output,
    );
  }
}

@CliCommand({
  name: 'sessions:revoke',
  summary: 'End every session of a user at once (the account stays usable)',
  options: USERNAME,
})
export class RevokeSessionsCommand implements CliCommandRunner {
  constructor(
    private readonly administration: UserAdministrationService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async run(values: CliValues, output: CliOutput): Promise<number> {
    const revoked = await this.unitOfWork.run(async () => {
      const target = await this.administration.getByUsername(values.username as string);
      return this.administration.revokeSessions(cliOperator(), target.id);
    });
    output.out(`Ended ${revoked} session(s) of "${values.username as string}".`);
    return 0;
  }
}
