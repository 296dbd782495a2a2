import { Role } from '../common/access/role';
import {
  controllerSetup,
  principalOf,
  type ControllerRig,
} from '../../test/support/controller-rig';
import { UserError, UserErrorCode } from '../users/user.error';
import { MfaAdminController } from './mfa-admin.controller';
import { MfaFactorsService } from './mfa-factors.service';

const ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

let rig: ControllerRig;
let factors: jest.Mocked<MfaFactorsService>;

beforeAll(async () => {
  rig = await controllerSetup(MfaAdminController);
  factors = rig.double(MfaFactorsService);
});
afterAll(() => rig.close());
beforeEach(() => jest.clearAllMocks());

describe('MfaAdminController', () => {
  it('answers 401 to a reset without credentials', async () => {
    await rig.http().delete(`/users/${ID}/mfa`).expect(401);
    expect(factors.resetForUser).not.toHaveBeenCalled();
  });

  it('answers 403 to a user resetting someone’s factors, even their own', async () => {
    const user = principalOf(Role.User);
    await rig.http().delete(`/users/${user.user.id}/mfa`).set(rig.bearer(user)).expect(403);
    await rig.http().delete(`/users/${ID}/mfa`).set(rig.bearer(user)).expect(403);
    expect(factors.resetForUser).not.toHaveBeenCalled();
  });

  it('refuses a user id that is not a UUID (400, naming it)', async () => {
    const response = await rig
      .http()
      .delete('/users/..%2Fadmin/mfa')
      .set(rig.bearer(principalOf(Role.Admin)))
      .expect(400);
    expect(JSON.stringify(response.body)).toContain('id');
    expect(factors.resetForUser).not.toHaveBeenCalled();
  });

  it('resets a user’s factors as the calling administrator, in one unit of work (204)', async () => {
    await rig
      .http()
      .delete(`/users/${ID}/mfa`)
      .set(rig.bearer(principalOf(Role.Admin)))
      .set('User-Agent', 'admin-console')
      .expect(204);
    expect(factors.resetForUser).toHaveBeenCalledWith(
      ID,
      expect.objectContaining({ id: 'admin-1', username: 'admin-one' }),
      expect.objectContaining({ userAgent: 'admin-console' }),
    );
    expect(rig.unitOfWork.run).toHaveBeenCalledTimes(1);
  });

  it('answers 404 for an unknown user', async () => {
    factors.resetForUser.mockRejectedValue(new UserError(UserErrorCode.UserNotFound));
    const response = await rig
      .http()
      .delete(`/users/${ID}/mfa`)
      .set(rig.bearer(principalOf(Role.Admin)))
      .expect(404);
    expect(response.body).toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});
