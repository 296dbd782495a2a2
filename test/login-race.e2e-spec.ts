import { CredentialVerificationService } from '../src/auth/credential-verification.service';
import { LoginService } from '../src/auth/login/login.service';
import { UnitOfWork } from '../src/database/unit-of-work';
import { Session } from '../src/sessions/entities/session.entity';
import { UserAdministrationService } from '../src/users/user-administration.service';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { createTestApp, type TestApp } from './support/test-app';

const META = { ip: '198.51.100.9', userAgent: 'race', requestId: 'race-1' };

/**
 * A login's password check runs before its transaction (hashing holds no lock). A password change, reset or
 * disable that lands in between must win: the login opens no session the change could no longer revoke.
 */
describe('a login racing a change to the account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const sessionsOf = (userId: string) => t.dataSource.getRepository(Session).countBy({ userId });

  it('is refused when the password was reset after the check', async () => {
    const victim = await createUser(t);
    const verified = await t.app
      .get(CredentialVerificationService)
      .verify(victim.username, victim.password, META);
    await t.app
      .get(UnitOfWork)
      .run(() =>
        t.app.get(UserAdministrationService).resetPassword({ userId: null }, victim.user.id),
      );

    await expect(
      t.app
        .get(UnitOfWork)
        .run(() => t.app.get(LoginService).afterPassword(verified, META, 'browser')),
    ).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect(await sessionsOf(victim.user.id)).toBe(0);
  });

  it('is refused when the account was disabled after the check', async () => {
    const victim = await createUser(t);
    const verified = await t.app
      .get(CredentialVerificationService)
      .verify(victim.username, victim.password, META);
    await t.app
      .get(UnitOfWork)
      .run(() =>
        t.app
          .get(UserAdministrationService)
          .update({ userId: null }, victim.user.id, { isActive: false }),
      );
    await expect(
      t.app
        .get(UnitOfWork)
        .run(() => t.app.get(LoginService).afterPassword(verified, META, 'browser')),
    ).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect(await sessionsOf(victim.user.id)).toBe(0);
  });

  it('still succeeds when nothing changed', async () => {
    const user = await createUser(t);
    await logIn(t, user);
    expect(await sessionsOf(user.user.id)).toBe(1);
  });
});
