import { Role } from '../common/access/role';
import {
  controllerSetup,
  principalOf,
  type ControllerRig,
} from '../../test/support/controller-rig';
import { user } from '../../test/support/auth-fixtures';
import { UserAdministrationService } from './user-administration.service';
import { UsersController } from './users.controller';
import { UserSecurityStates } from './user-security-state';
import { UserError, UserErrorCode } from './user.error';

const ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const ADMIN = principalOf(Role.Admin);

let rig: ControllerRig;
let administration: jest.Mocked<UserAdministrationService>;
let securityStates: jest.Mocked<UserSecurityStates>;

beforeAll(async () => {
  rig = await controllerSetup(UsersController);
  administration = rig.double(UserAdministrationService);
  securityStates = rig.double(UserSecurityStates);
  // An abstract method has nothing on the prototype for the double to copy.
  securityStates.of = jest.fn();
});
afterAll(() => rig.close());
beforeEach(() => {
  jest.clearAllMocks();
  securityStates.of.mockResolvedValue(new Map());
});

describe('UsersController: who may call it', () => {
  it('answers 401 to a request without credentials, before any service runs', async () => {
    const response = await rig.http().get('/users').expect(401);
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(administration.list).not.toHaveBeenCalled();
  });

  it('answers 401 to a token whose session has ended', async () => {
    const ended = { ...ADMIN, session: { ...ADMIN.session, id: 's-ended' } };
    const headers = rig.bearer(ended);
    rig.endSession(ended);
    const response = await rig.http().get('/users').set(headers).expect(401);
    expect(response.body).toMatchObject({ code: 'SESSION_ENDED' });
    expect(administration.list).not.toHaveBeenCalled();
  });

  it('answers 403 to a user without the admin role, and audits the refusal', async () => {
    const response = await rig
      .http()
      .post(`/users/${ID}/disable`)
      .set(rig.bearer(principalOf(Role.User)))
      .expect(403);
    expect(response.body).toMatchObject({ code: 'INSUFFICIENT_ROLE' });
    expect(administration.update).not.toHaveBeenCalled();
    expect(rig.refusals.record).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'insufficient_role', actorUserId: 'user-1' }),
    );
  });

  it('answers 403 to an administrator who must change their password first', async () => {
    const pending = principalOf(Role.Admin, { mustChangePassword: true });
    const response = await rig.http().get('/users').set(rig.bearer(pending)).expect(403);
    expect(response.body).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
    expect(administration.list).not.toHaveBeenCalled();
  });
});

describe('UsersController: what it accepts', () => {
  it('names the wrong and the unknown fields of a bad body (400), calling nothing', async () => {
    const response = await rig
      .http()
      .post('/users')
      .set(rig.bearer(ADMIN))
      .send({ username: 'bob', role: 'superuser', is_admin: true })
      .expect(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const fields = (response.body as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['role', 'is_admin']));
    expect(administration.create).not.toHaveBeenCalled();
  });

  it('refuses an id that is not a UUID (400)', async () => {
    await rig.http().get('/users/1%20OR%201=1').set(rig.bearer(ADMIN)).expect(400);
    expect(administration.get).not.toHaveBeenCalled();
  });

  it('creates a user from the parsed body, as the calling administrator', async () => {
    administration.create.mockResolvedValue({
      user: user({ id: ID, username: 'bob' }),
      oneTimePassword: 'generated once',
    });
    const response = await rig
      .http()
      .post('/users')
      .set(rig.bearer(ADMIN))
      .set('User-Agent', 'admin-console')
      .send({ username: 'bob', role: 'user', display_name: 'Bob' })
      .expect(201);
    expect(administration.create).toHaveBeenCalledWith(
      {
        userId: 'admin-1',
        username: 'admin-one',
        meta: expect.objectContaining({ userAgent: 'admin-console' }) as unknown,
      },
      { username: 'bob', role: Role.User, displayName: 'Bob', password: undefined },
    );
    expect(response.body).toMatchObject({
      user: { id: ID, username: 'bob' },
      one_time_password: 'generated once',
    });
    expect(JSON.stringify(response.body)).not.toContain('stored-hash');
    expect(rig.unitOfWork.run).toHaveBeenCalledTimes(1);
  });

  it('turns the query string into typed filters', async () => {
    administration.list.mockResolvedValue({ items: [], nextCursor: null });
    await rig
      .http()
      .get('/users?active=false&limit=5&role=admin')
      .set(rig.bearer(ADMIN))
      .expect(200);
    expect(administration.list).toHaveBeenCalledWith({
      usernamePrefix: undefined,
      search: undefined,
      role: Role.Admin,
      isActive: false,
      cursor: undefined,
      limit: 5,
    });
    await rig.http().get('/users?limit=ten').set(rig.bearer(ADMIN)).expect(400);
    expect(administration.list).toHaveBeenCalledTimes(1);
  });

  it('maps the service’s domain error to its status and code', async () => {
    administration.update.mockRejectedValue(new UserError(UserErrorCode.LastAdmin));
    const response = await rig
      .http()
      .post(`/users/${ID}/disable`)
      .set(rig.bearer(ADMIN))
      .expect(409);
    expect(response.body).toMatchObject({ code: 'LAST_ADMIN' });
    expect(administration.update).toHaveBeenCalledWith(expect.anything(), ID, {
      isActive: false,
    });
  });
});

describe('UsersController: searching', () => {
  it('passes the search text to the service as typed', async () => {
    administration.list.mockResolvedValue({ items: [], nextCursor: null });
    await rig.http().get('/users?q=Alice%20Ex').set(rig.bearer(ADMIN)).expect(200);
    expect(administration.list).toHaveBeenCalledWith(
      expect.objectContaining({ search: 'Alice Ex', limit: 50 }),
    );
  });

  it('refuses an empty, overlong or control-character search (400), calling nothing', async () => {
    for (const q of ['', 'a'.repeat(129), 'ali%0Ace']) {
      const response = await rig.http().get(`/users?q=${q}`).set(rig.bearer(ADMIN)).expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(administration.list).not.toHaveBeenCalled();
  });
});

describe('UsersController: the record of each user', () => {
  const LOCKED_ID = '0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b';

  it('asks for the sign-in state of a whole page at once and shows it per user', async () => {
    const signedInAt = new Date('2026-01-02T03:04:05.000Z');
    administration.list.mockResolvedValue({
      items: [
        user({
          id: LOCKED_ID,
          username: 'alice',
          lastSignInAt: signedInAt,
          lastSignInIp: '192.0.2.7',
        }),
        user({ id: ID, username: 'bob' }),
      ],
      nextCursor: null,
    });
    securityStates.of.mockResolvedValue(
      new Map([
        [
          LOCKED_ID,
          {
            lockedUntil: new Date('2026-01-02T04:00:00.000Z'),
            secondFactors: { totp: true, passkeys: 2, recoveryCodesLeft: 7 },
          },
        ],
      ]),
    );
    const response = await rig.http().get('/users').set(rig.bearer(ADMIN)).expect(200);
    expect(securityStates.of).toHaveBeenCalledTimes(1);
    expect(securityStates.of).toHaveBeenCalledWith([LOCKED_ID, ID]);
    expect(response.body.items).toEqual([
      expect.objectContaining({
        username: 'alice',
        locked_until: '2026-01-02T04:00:00.000Z',
        second_factors: { totp: true, passkeys: 2, recovery_codes_left: 7 },
        last_sign_in_at: '2026-01-02T03:04:05.000Z',
        last_sign_in_ip: '192.0.2.7',
      }),
      expect.objectContaining({
        username: 'bob',
        locked_until: null,
        second_factors: { totp: false, passkeys: 0, recovery_codes_left: 0 },
        last_sign_in_at: null,
        last_sign_in_ip: null,
      }),
    ]);
  });
});
