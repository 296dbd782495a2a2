import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { withTotp } from './factories/mfa.factory';
import { enrolPasskey, PASSKEY_ENV, passkeyOptions } from './factories/passkey.factory';
import { logIn } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { createTestApp, type TestApp } from './support/test-app';
import { asBearer } from './support/users-admin-rig';

const LOCK_MS = 30_000;

interface UserRecord {
  id: string;
  locked_until: string | null;
  second_factors: { totp: boolean; passkeys: number; recovery_codes_left: number };
  last_sign_in_at: string | null;
  last_sign_in_ip: string | null;
}

describe('the user record an administrator reads (GET /users, GET /users/:id)', () => {
  let t: TestApp;
  let admin: AdminFixture;

  beforeAll(async () => {
    t = await createTestApp({ env: { ...PASSKEY_ENV, LOGIN_MAX_FAILURES: '3' } });
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const as = (bearer: string) => asBearer(t, bearer);
  const recordOf = async (who: UserFixture) => {
    const response = await as(admin.bearer).get(`/users/${who.user.id}`);
    expect(response.status).toBe(200);
    return response.body as UserRecord;
  };
  const listed = async (who: UserFixture) => {
    const response = await as(admin.bearer).get(`/users?username_prefix=${who.username}`);
    expect(response.status).toBe(200);
    const item = (response.body.items as UserRecord[]).find((entry) => entry.id === who.user.id);
    if (!item) throw new Error(`${who.username} is not on the page`);
    return item;
  };
  const wrongPassword = (who: UserFixture) =>
    t.http().post('/auth/login').send({ username: who.username, password: 'not the password' });

  it('shows an account that never signed in as unlocked, without factors or sign-in', async () => {
    const who = await createUser(t);
    const expected = {
      locked_until: null,
      second_factors: { totp: false, passkeys: 0, recovery_codes_left: 0 },
      last_sign_in_at: null,
      last_sign_in_ip: null,
    };
    expect(await recordOf(who)).toMatchObject(expected);
    expect(await listed(who)).toMatchObject(expected);
  });

  it('shows the running account lock, on the record and in the list, until it runs out', async () => {
    const who = await createUser(t);
    for (let attempt = 0; attempt < 3; attempt++)
      expect((await wrongPassword(who)).status).toBe(401);
    const lockedUntil = new Date(t.clock.now().getTime() + LOCK_MS).toISOString();
    expect((await recordOf(who)).locked_until).toBe(lockedUntil);
    expect((await listed(who)).locked_until).toBe(lockedUntil);

    t.clock.advance(LOCK_MS + 1);
    expect((await recordOf(who)).locked_until).toBeNull();
  });

  it('records when and from where a password login completed, and nothing for a failed one', async () => {
    const who = await createUser(t);
    await logIn(t, who);
    const signedInAt = t.clock.now().toISOString();
    t.clock.advance(60_000);
    expect((await wrongPassword(who)).status).toBe(401);
    const record = await recordOf(who);
    expect(record.last_sign_in_at).toBe(signedInAt);
    expect(record.last_sign_in_ip).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    expect((await listed(who)).last_sign_in_at).toBe(signedInAt);
  });

  it('counts a confirmed authenticator app and the recovery codes left; a login with a code counts as a sign-in', async () => {
    const who = await createUser(t);
    const { recoveryCodes } = await withTotp(t, who);
    expect((await recordOf(who)).second_factors).toEqual({
      totp: true,
      passkeys: 0,
      recovery_codes_left: recoveryCodes.length,
    });

    t.clock.advance(60_000);
    const challenge = await t
      .http()
      .post('/auth/login')
      .send({ username: who.username, password: who.password });
    expect(challenge.body.code).toBe('MFA_REQUIRED');
    const answered = await t.http().post('/auth/mfa/verify').send({
      mfa_token: challenge.body.mfa_token,
      method: 'recovery_code',
      code: recoveryCodes[0],
    });
    expect(answered.status).toBe(200);
    const record = await recordOf(who);
    expect(record.second_factors.recovery_codes_left).toBe(recoveryCodes.length - 1);
    expect(record.last_sign_in_at).toBe(t.clock.now().toISOString());
  });

  it('counts passkeys, and a passwordless passkey sign-in counts as a sign-in', async () => {
    const who = await createUser(t);
    const session = await logIn(t, who);
    const first = await enrolPasskey(t, session);
    await enrolPasskey(t, session);
    expect((await recordOf(who)).second_factors).toMatchObject({ totp: false, passkeys: 2 });

    t.clock.advance(60_000);
    const signedIn = await t
      .http()
      .post('/auth/passkey/login')
      .send({ response: first.authenticator.authenticate(await passkeyOptions(t)) });
    expect(signedIn.status).toBe(200);
    expect((await recordOf(who)).last_sign_in_at).toBe(t.clock.now().toISOString());
  });

  it('shows each account of a page its own state', async () => {
    const prefix = `page-${Date.now().toString(36)}`;
    const locked = await createUser(t, { username: `${prefix}-a` });
    const enrolled = await createUser(t, { username: `${prefix}-b` });
    const plain = await createUser(t, { username: `${prefix}-c` });
    await withTotp(t, enrolled);
    for (let attempt = 0; attempt < 3; attempt++) await wrongPassword(locked);
    const page = await as(admin.bearer).get(`/users?username_prefix=${prefix}`);
    expect(page.body.items.map((item: { username: string }) => item.username)).toEqual([
      locked.username,
      enrolled.username,
      plain.username,
    ]);
    const [a, b, c] = page.body.items;
    expect(a.locked_until).not.toBeNull();
    expect(a.second_factors.totp).toBe(false);
    expect(b.locked_until).toBeNull();
    expect(b.second_factors.totp).toBe(true);
    expect(c).toMatchObject({ locked_until: null, second_factors: { totp: false } });
  });
});
