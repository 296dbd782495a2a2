import { AuditAction } from '../audit/audit-action';
import { Role } from '../common/access/role';
import { ValidationError } from '../common/errors/domain-error';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import { NOW, codeOf, user } from '../../test/support/auth-fixtures';
import { ADMIN, adminAudit, userAdministration } from '../../test/support/user-administration-rig';
import { UserErrorCode } from './user.error';
import { encodeCursor } from './user-cursor';

describe('UserAdministrationService.create', () => {
  it('creates the account under its canonical name, forced to change the password', async () => {
    const { service, usersService, audit } = userAdministration();
    const { user: created, oneTimePassword } = await service.create(ADMIN, {
      username: 'Alice',
      role: Role.User,
      password: 'a long chosen passphrase',
    });
    expect(oneTimePassword).toBeUndefined();
    expect(usersService.create).toHaveBeenCalledWith({
      username: 'alice',
      displayName: null,
      password: 'a long chosen passphrase',
      role: Role.User,
      mustChangePassword: true,
    });
    expect(audit.record).toHaveBeenCalledWith(
      adminAudit(AuditAction.UserCreated, {
        role: Role.User,
        display_name: null,
        password_generated: false,
      }),
    );
    expect(created.id).toBe('u-new');
  });

  it('generates a one-time password that passes the policy, returned once and never audited', async () => {
    const { service, usersService, audit } = userAdministration({ passwordMinLength: 40 });
    const { oneTimePassword } = await service.create(ADMIN, {
      username: 'alice',
      role: Role.Admin,
    });
    expect(oneTimePassword).toHaveLength(40);
    expect(usersService.create).toHaveBeenCalledWith(
      expect.objectContaining({ password: oneTimePassword }),
    );
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain(oneTimePassword);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ details: expect.objectContaining({ password_generated: true }) }),
    );
    const atLeast24 = userAdministration({ passwordMinLength: 15 }).service;
    expect(
      (await atLeast24.create(ADMIN, { username: 'bob', role: Role.User })).oneTimePassword,
    ).toHaveLength(24);
  });

  it.each([
    ['too short', 'short one', 'PASSWORD_TOO_SHORT'],
    ['containing the canonical username', 'ALICE-and-a-long-tail', 'PASSWORD_CONTAINS_USERNAME'],
  ])('refuses a password %s, creating and auditing nothing', async (_case, password, code) => {
    const { service, usersService, audit } = userAdministration();
    const created = service.create(ADMIN, { username: 'Alice', role: Role.User, password });
    await expect(created).rejects.toBeInstanceOf(ValidationError);
    expect(
      await codeOf(service.create(ADMIN, { username: 'Alice', role: Role.User, password })),
    ).toBe(code);
    expect(usersService.create).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });
});

describe('UserAdministrationService.list', () => {
  it('asks for one row more than the page to know whether another page follows', async () => {
    const { service, users } = userAdministration();
    users.list.mockResolvedValue(['amy', 'bob', 'cyd'].map((username) => user({ username })));
    const page = await service.list({
      limit: 2,
      usernamePrefix: 'ÅB',
      role: Role.User,
      isActive: true,
    });
    expect(users.list).toHaveBeenCalledWith({
      usernamePrefix: 'åb',
      role: Role.User,
      isActive: true,
      afterUsername: undefined,
      limit: 3,
    });
    expect(page.items.map((item) => item.username)).toEqual(['amy', 'bob']);
    expect(page.nextCursor).toBe(encodeCursor('bob'));
  });

  it('continues after the cursor, and says when the last page is reached', async () => {
    const { service, users } = userAdministration();
    users.list.mockResolvedValue([user({ username: 'cyd' })]);
    const page = await service.list({ limit: 2, cursor: encodeCursor('bob') });
    expect(users.list).toHaveBeenCalledWith(expect.objectContaining({ afterUsername: 'bob' }));
    expect(page).toEqual({ items: [user({ username: 'cyd' })], nextCursor: null });
  });

  it('refuses a cursor it did not issue', async () => {
    const { service, users } = userAdministration();
    await expect(service.list({ limit: 2, cursor: 'not a cursor!' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(users.list).not.toHaveBeenCalled();
  });
});

describe('UserAdministrationService lookups', () => {
  it('answers USER_NOT_FOUND for an unknown id or login name', async () => {
    const { service, usersService } = userAdministration();
    expect(await service.get('u-1')).toEqual(user());
    expect(await codeOf(service.get('u-404'))).toBe(UserErrorCode.UserNotFound);
    usersService.findByLoginName.mockResolvedValue(null);
    expect(await codeOf(service.getByUsername('nobody'))).toBe(UserErrorCode.UserNotFound);
    usersService.findByLoginName.mockResolvedValue(user());
    expect(await service.getByUsername('ALICE')).toEqual(user());
  });
});

describe('UserAdministrationService.resetPassword', () => {
  it('stores a new one-time password’s hash, forces a change and ends every session', async () => {
    const { service, users, sessions, audit } = userAdministration();
    const { user: reset, oneTimePassword } = await service.resetPassword(ADMIN, 'u-1');
    const written = {
      passwordHash: `hash(${oneTimePassword})`,
      mustChangePassword: true,
      passwordChangedAt: NOW,
      updatedAt: NOW,
    };
    expect(users.update).toHaveBeenCalledWith('u-1', written);
    expect(reset).toMatchObject(written);
    expect(sessions.revokeAllForUser).toHaveBeenCalledWith(
      'u-1',
      SessionRevocationReason.PasswordReset,
    );
    expect(audit.record).toHaveBeenCalledWith(
      adminAudit(AuditAction.PasswordReset, { sessions_revoked: 3 }),
    );
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain(oneTimePassword);
  });

  it('resets nothing for an unknown user', async () => {
    const { service, users, sessions, audit } = userAdministration();
    expect(await codeOf(service.resetPassword(ADMIN, 'u-404'))).toBe(UserErrorCode.UserNotFound);
    expect(users.update).not.toHaveBeenCalled();
    expect(sessions.revokeAllForUser).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });
});

describe('UserAdministrationService sessions', () => {
  it('lists a user’s live sessions, and refuses an unknown user', async () => {
    const { service, sessions } = userAdministration();
    sessions.listLive.mockResolvedValue({ items: [], nextCursor: null });
    expect(await service.listSessions('u-1', { limit: 5 })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(sessions.listLive).toHaveBeenCalledWith('u-1', { limit: 5 });
    expect(await codeOf(service.listSessions('u-404', { limit: 5 }))).toBe(
      UserErrorCode.UserNotFound,
    );
    expect(sessions.listLive).toHaveBeenCalledTimes(1);
  });

  it('ends every session of a user and audits how many', async () => {
    const { service, sessions, audit } = userAdministration();
    expect(await service.revokeSessions(ADMIN, 'u-1')).toBe(3);
    expect(sessions.revokeAllForUser).toHaveBeenCalledWith(
      'u-1',
      SessionRevocationReason.RevokedByAdmin,
    );
    expect(audit.record).toHaveBeenCalledWith(
      adminAudit(AuditAction.SessionRevoked, { scope: 'all', sessions_revoked: 3 }),
    );
    expect(await codeOf(service.revokeSessions(ADMIN, 'u-404'))).toBe(UserErrorCode.UserNotFound);
    expect(sessions.revokeAllForUser).toHaveBeenCalledTimes(1);
  });

  it('ends one session of the user, audited', async () => {
    const { service, sessions, audit } = userAdministration();
    sessions.revokeOfUser.mockResolvedValue(true);
    await service.revokeSession(ADMIN, 'u-1', 's-9');
    expect(sessions.revokeOfUser).toHaveBeenCalledWith(
      'u-1',
      's-9',
      SessionRevocationReason.RevokedByAdmin,
    );
    expect(audit.record).toHaveBeenCalledWith(
      adminAudit(AuditAction.SessionRevoked, { scope: 'one', session_id: 's-9' }),
    );
  });

  it('refuses to end a session that is not a live one of this user, auditing nothing', async () => {
    const { service, sessions, audit } = userAdministration();
    sessions.revokeOfUser.mockResolvedValue(false);
    expect(await codeOf(service.revokeSession(ADMIN, 'u-1', 'someone-elses'))).toBe(
      'SESSION_NOT_FOUND',
    );
    expect(audit.record).not.toHaveBeenCalled();
  });
});
