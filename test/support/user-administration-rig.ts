import { AuditAction } from '../../src/audit/audit-action';
import { AuditService } from '../../src/audit/audit.service';
import { Clock } from '../../src/common/clock';
import { PasswordHasher } from '../../src/common/crypto/password-hasher';
import { AppConfig } from '../../src/config/app-config';
import { SessionsService } from '../../src/sessions/sessions.service';
import { PasswordPolicy } from '../../src/users/password-policy';
import { UserAdministrationService, type Actor } from '../../src/users/user-administration.service';
import { UsersRepository } from '../../src/users/users.repository';
import { UsersService } from '../../src/users/users.service';
import { FrozenClock, META, user } from './auth-fixtures';
import { newTestService, provide } from './test-service';

/** The administrator of the user administration specs, as the HTTP layer describes them. */
export const ADMIN: Actor = {
  userId: 'admin-1',
  username: 'root',
  meta: META,
  details: { source: 'spec' },
};

/**
 * UserAdministrationService with the real password policy and doubles for the rest: one user, `u-1` (alice,
 * the fixture user), who is the only active administrator unless a spec says otherwise.
 */
export function userAdministration({ passwordMinLength = 15 } = {}) {
  const config = { passwordMinLength } as AppConfig;
  const { service, double } = newTestService(
    UserAdministrationService,
    provide(Clock, new FrozenClock()),
    provide(AppConfig, config),
    provide(PasswordPolicy, new PasswordPolicy(config)),
  );
  const usersService = double(UsersService);
  usersService.canonicalUsername.mockImplementation((name) => name.toLowerCase());
  usersService.create.mockImplementation(async (input) =>
    user({ id: 'u-new', ...input, passwordHash: `hash(${input.password})` }),
  );
  const users = double(UsersRepository);
  users.findById.mockImplementation(async (id) => (id === 'u-1' ? user() : null));
  users.lockActiveAdmins.mockResolvedValue(['u-1']);
  const sessions = double(SessionsService);
  sessions.revokeAllForUser.mockResolvedValue(3);
  const hasher = double(PasswordHasher);
  hasher.hash.mockImplementation(async (password) => `hash(${password})`);
  return { service, users, usersService, sessions, hasher, audit: double(AuditService) };
}

/** The audit row ADMIN's action on alice writes. */
export const adminAudit = (action: AuditAction, details: Record<string, unknown>) => ({
  action,
  outcome: 'success',
  actorUserId: 'admin-1',
  actorUsername: 'root',
  targetUsername: 'alice',
  resourceType: 'user',
  resourceId: expect.any(String) as string,
  details: { source: 'spec', target_username: 'alice', ...details },
  meta: META,
});
