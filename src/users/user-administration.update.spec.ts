import { AuditAction } from '../audit/audit-action';
import { Role } from '../common/access/role';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import { NOW, codeOf, user } from '../../test/support/auth-fixtures';
import { ADMIN, adminAudit, userAdministration } from '../../test/support/user-administration-rig';
import { UserErrorCode } from './user.error';

/** u-1 as an active administrator. */
function withAdmin(...activeAdmins: string[]) {
  const rig = userAdministration();
  rig.users.findById.mockResolvedValue(user({ role: Role.Admin }));
  rig.users.lockActiveAdmins.mockResolvedValue(activeAdmins);
  return rig;
}

describe('UserAdministrationService.update', () => {
  it('writes only the changed columns and audits a role change with before and after', async () => {
    const { service, users, audit, sessions } = userAdministration();
    const updated = await service.update(ADMIN, 'u-1', { role: Role.Admin, isActive: true });
    expect(users.update).toHaveBeenCalledWith('u-1', { role: Role.Admin, updatedAt: NOW });
    expect(updated).toMatchObject({ role: Role.Admin, isActive: true, updatedAt: NOW });
    expect(audit.record).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith(
      adminAudit(AuditAction.RoleChanged, { role_before: Role.User, role_after: Role.Admin }),
    );
    expect(sessions.revokeAllForUser).not.toHaveBeenCalled();
  });

  it('ends every session of a disabled account at once, and audits how many', async () => {
    const { service, users, sessions, audit } = userAdministration();
    const updated = await service.update(ADMIN, 'u-1', { isActive: false });
    expect(users.update).toHaveBeenCalledWith('u-1', { isActive: false, updatedAt: NOW });
    expect(updated.isActive).toBe(false);
    expect(sessions.revokeAllForUser).toHaveBeenCalledWith(
      'u-1',
      SessionRevocationReason.UserDisabled,
    );
    expect(audit.record).toHaveBeenCalledWith(
      adminAudit(AuditAction.UserDisabled, {
        is_active_before: true,
        is_active_after: false,
        sessions_revoked: 3,
      }),
    );
  });

  it('enables an account without touching sessions', async () => {
    const { service, users, sessions, audit } = userAdministration();
    users.findById.mockResolvedValue(user({ isActive: false }));
    expect((await service.update(ADMIN, 'u-1', { isActive: true })).isActive).toBe(true);
    expect(users.update).toHaveBeenCalledWith('u-1', { isActive: true, updatedAt: NOW });
    expect(sessions.revokeAllForUser).not.toHaveBeenCalled();
    expect(audit.record).toHaveBeenCalledWith(
      adminAudit(AuditAction.UserEnabled, { is_active_before: false, is_active_after: true }),
    );
  });

  it('changes and clears the display name, audited with before and after', async () => {
    const { service, users, audit } = userAdministration();
    users.findById.mockResolvedValue(user({ displayName: 'Alice A.' }));
    const updated = await service.update(ADMIN, 'u-1', { displayName: null });
    expect(updated.displayName).toBeNull();
    expect(users.update).toHaveBeenCalledWith('u-1', { displayName: null, updatedAt: NOW });
    expect(audit.record).toHaveBeenCalledWith(
      adminAudit(AuditAction.UserUpdated, {
        display_name_before: 'Alice A.',
        display_name_after: null,
      }),
    );
  });

  it('writes and audits nothing when nothing changes', async () => {
    const { service, users, audit } = userAdministration();
    const unchanged = await service.update(ADMIN, 'u-1', {
      role: Role.User,
      isActive: true,
      displayName: null,
    });
    expect(unchanged).toEqual(user());
    expect(users.update).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('changes nothing of an unknown user', async () => {
    const { service, users, audit } = userAdministration();
    expect(await codeOf(service.update(ADMIN, 'u-404', { isActive: false }))).toBe(
      UserErrorCode.UserNotFound,
    );
    expect(users.update).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });
});

describe('UserAdministrationService.update, the last administrator', () => {
  it.each([
    ['demoted', { role: Role.User }],
    ['disabled', { isActive: false }],
  ])('refuses to leave no active administrator: the last one %s', async (_case, changes) => {
    const { service, users, sessions, audit } = withAdmin('u-1');
    expect(await codeOf(service.update(ADMIN, 'u-1', changes))).toBe(UserErrorCode.LastAdmin);
    expect(users.lockActiveAdmins).toHaveBeenCalled();
    expect(users.update).not.toHaveBeenCalled();
    expect(sessions.revokeAllForUser).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('lets an administrator go while another active one remains', async () => {
    const { service, users } = withAdmin('u-1', 'admin-2');
    expect((await service.update(ADMIN, 'u-1', { isActive: false })).isActive).toBe(false);
    expect(users.update).toHaveBeenCalled();
  });

  it('takes the administrators’ lock only when an active administrator would be lost', async () => {
    const { service, users } = withAdmin();
    await service.update(ADMIN, 'u-1', { displayName: 'Root' });
    await service.update(ADMIN, 'u-1', { role: Role.Admin, isActive: true });
    users.findById.mockResolvedValue(user({ role: Role.Admin, isActive: false }));
    await service.update(ADMIN, 'u-1', { role: Role.User });
    users.findById.mockResolvedValue(user());
    await service.update(ADMIN, 'u-1', { isActive: false });
    expect(users.lockActiveAdmins).not.toHaveBeenCalled();
  });
});
