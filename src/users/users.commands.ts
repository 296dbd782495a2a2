import { userInfo } from 'node:os';
import type { CliCommand } from '../cli/cli-command';
import { UnitOfWork } from '../database/unit-of-work';
import { Role } from '../common/access/role';
import { UserAdministrationService, type Actor } from './user-administration.service';
import { listConfusablesCommand } from './users-confusables.command';

/** CLI actions are audited with no actor user but the operator's OS account. */
export function operator(): Actor {
  let osUser = 'unknown';
  try {
    osUser = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return { userId: null, details: { source: 'cli', operator: osUser } };
}

const ROLES = Object.values(Role) as string[];

export const createUserCommand: CliCommand = {
  name: 'users:create',
  summary: 'Create a user with a one-time password (printed once; must be changed at first login)',
  options: {
    username: { type: 'string', description: 'the login name', required: true },
    role: { type: 'string', description: `one of ${ROLES.join(', ')} (default user)` },
    'display-name': { type: 'string', description: 'a human-readable name' },
  },
  async run(app, values, output) {
    const role = (values.role as string | undefined) ?? Role.User;
    if (!ROLES.includes(role)) {
      output.err(`--role must be one of ${ROLES.join(', ')}`);
      return 2;
    }
    const { user, oneTimePassword } = await app.get(UnitOfWork).run(() =>
      app.get(UserAdministrationService).create(operator(), {
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
  },
};

export const resetPasswordCommand: CliCommand = {
  name: 'users:reset-password',
  summary: "Give a user a new one-time password (printed once) and end all of the user's sessions",
  options: { username: { type: 'string', description: 'the login name', required: true } },
  async run(app, values, output) {
    const administration = app.get(UserAdministrationService);
    const { user, oneTimePassword } = await app.get(UnitOfWork).run(async () => {
      const target = await administration.getByUsername(values.username as string);
      return administration.resetPassword(operator(), target.id);
    });
    output.out(`Reset the password of "${user.username}"; every session of the account has ended.`);
    output.out(
      `One-time password (shown once, must be changed at first login): ${oneTimePassword}`,
    );
    return 0;
  },
};

export const listUsersCommand: CliCommand = {
  name: 'users:list',
  summary: 'List users (username, role, active, must change password)',
  options: {
    role: { type: 'string', description: `only this role (${ROLES.join(', ')})` },
    prefix: { type: 'string', description: 'only usernames starting with this' },
  },
  async run(app, values, output) {
    const role = values.role as string | undefined;
    if (role !== undefined && !ROLES.includes(role)) {
      output.err(`--role must be one of ${ROLES.join(', ')}`);
      return 2;
    }
    const administration = app.get(UserAdministrationService);
    output.out(['username', 'role', 'active', 'must_change_password', 'id'].join('\t'));
    let cursor: string | undefined;
    do {
      const page = await administration.list({
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
  },
};

/** users:enable / users:disable: the same change an admin makes with PATCH /users/{id}. */
function activationCommand(name: string, isActive: boolean): CliCommand {
  return {
    name,
    summary: isActive
      ? 'Enable a disabled user'
      : 'Disable a user and end every session at once (the last active admin cannot be disabled)',
    options: { username: { type: 'string', description: 'the login name', required: true } },
    async run(app, values, output) {
      const administration = app.get(UserAdministrationService);
      const user = await app.get(UnitOfWork).run(async () => {
        const target = await administration.getByUsername(values.username as string);
        return administration.update(operator(), target.id, { isActive });
      });
      output.out(`${isActive ? 'Enabled' : 'Disabled'} "${user.username}".`);
      return 0;
    },
  };
}

export const revokeSessionsCommand: CliCommand = {
  name: 'sessions:revoke',
  summary: 'End every session of a user at once (the account stays usable)',
  options: { username: { type: 'string', description: 'the login name', required: true } },
  async run(app, values, output) {
    const administration = app.get(UserAdministrationService);
    const revoked = await app.get(UnitOfWork).run(async () => {
      const target = await administration.getByUsername(values.username as string);
      return administration.revokeSessions(operator(), target.id);
    });
    output.out(`Ended ${revoked} session(s) of "${values.username as string}".`);
    return 0;
  },
};

export const USER_COMMANDS = [
  createUserCommand,
  resetPasswordCommand,
  listUsersCommand,
  listConfusablesCommand,
  activationCommand('users:enable', true),
  activationCommand('users:disable', false),
  revokeSessionsCommand,
];
