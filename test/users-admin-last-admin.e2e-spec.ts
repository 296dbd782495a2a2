import { UnitOfWork } from '../src/database/unit-of-work';
import { User } from '../src/users/entities/user.entity';
import { Role } from '../src/common/access/role';
import { UserAdministrationService } from '../src/users/user-administration.service';
import { createAdmin } from './factories/admin.factory';
import { createUser } from './factories/user.factory';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/test-app';

describe('the last active administrator', () => {
  let solo: TestApp;
  beforeAll(async () => {
    solo = await createTestApp();
  });
  afterAll(() => solo.close());

  it('can be neither disabled nor demoted (409), while other admins can', async () => {
    const login = await solo.http().post('/auth/login').send(TEST_ADMIN);
    const bearer = `Bearer ${login.body.access_token}`;
    const me = await solo.http().get('/auth/me').set('Authorization', bearer);
    const id = me.body.id as string;
    for (const request of [
      solo.http().post(`/users/${id}/disable`).set('Authorization', bearer),
      solo.http().patch(`/users/${id}`).set('Authorization', bearer).send({ role: 'user' }),
      solo.http().patch(`/users/${id}`).set('Authorization', bearer).send({ is_active: false }),
    ]) {
      const response = await request;
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('LAST_ADMIN');
    }
    expect((await solo.http().get('/users').set('Authorization', bearer)).status).toBe(200);

    // With a second admin, two concurrent demotions still leave one admin.
    const second = await createAdmin(solo);
    const results = await Promise.all([
      solo.http().patch(`/users/${id}`).set('Authorization', second.bearer).send({ role: 'user' }),
      solo
        .http()
        .patch(`/users/${second.user.id}`)
        .set('Authorization', bearer)
        .send({ role: 'user' }),
    ]);
    // One wins; the other is refused: 409 LAST_ADMIN, or 403 if its caller was demoted first.
    expect(results.map((response) => response.status).sort()).toEqual([200, expect.any(Number)]);
    expect([403, 409]).toContain(results.find((response) => response.status !== 200)!.status);

    const admins = await solo.dataSource
      .getRepository(User)
      .countBy({ role: 'admin' as User['role'], isActive: true });
    expect(admins).toBe(1);
  });

  it('lets two concurrent demotions of the only two admins leave exactly one (a database lock, not luck)', async () => {
    await createUser(solo, { role: Role.Admin });
    const admins = await solo.dataSource
      .getRepository(User)
      .findBy({ role: Role.Admin, isActive: true });
    expect(admins).toHaveLength(2);
    const administration = solo.app.get(UserAdministrationService);
    const unitOfWork = solo.app.get(UnitOfWork);
    const results = await Promise.allSettled(
      admins.map((target) =>
        unitOfWork.run(() =>
          administration.update({ userId: null }, target.id, { role: Role.User }),
        ),
      ),
    );
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find(
      (result) => result.status === 'rejected',
    ) as PromiseRejectedResult;
    expect((rejected.reason as { code: string }).code).toBe('LAST_ADMIN');
    expect(
      await solo.dataSource.getRepository(User).countBy({ role: Role.Admin, isActive: true }),
    ).toBe(1);
  });
});
