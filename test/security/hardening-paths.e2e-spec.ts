import { AuditAction } from '../../src/audit/audit-action';
import { createAdmin, type AdminFixture } from '../factories/admin.factory';
import { logIn, refreshCookie } from '../factories/session.factory';
import { createUser } from '../factories/user.factory';
import { auditEvents } from '../support/audit';
import { expectProblem, wrongLoginFromPeer as loginFrom } from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Hardening paths proven through HTTP (each was first pinned by a unit spec): which bucket a client address
 * counts in, what an address that is not an address becomes, when a one-time password stops working, and which
 * answer a revoked session's refresh token gets after an administrator's reset.
 */

describe('security: the per-IP login limit counts networks, not spellings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => t.close());

  it('counts 7.7.7.7 and ::ffff:7.7.7.7 in one bucket', async () => {
    const spellings = ['7.7.7.7', '::ffff:7.7.7.7', '::FFFF:7.7.7.7'];
    for (const [i, address] of spellings.entries()) {
      expect((await loginFrom(t, address, `mapped-${i}`)).status).toBe(401);
    }
    const fourth = await loginFrom(t, '::ffff:7.7.7.7', 'mapped-4');
    expect(fourth).toEqual({
      status: 429,
      body: expect.objectContaining({ code: 'LOGIN_RATE_LIMITED' }),
    });
    // The audit row names one canonical address, whatever spelling the socket reported.
    const rows = await auditEvents(t, { action: AuditAction.LoginFailed });
    expect(new Set(rows.map((row) => row.ip))).toEqual(new Set(['7.7.7.7']));
  });

  it('counts every address of one IPv6 /64 in one bucket, and another /64 apart', async () => {
    for (let i = 1; i <= 3; i++) {
      expect((await loginFrom(t, `2001:db8:aa:1::${i}`, `v6-${i}`)).status).toBe(401);
    }
    expect((await loginFrom(t, '2001:db8:aa:1:ffff:1:2:3', 'v6-4')).status).toBe(429);
    expect((await loginFrom(t, '2001:db8:aa:2::1', 'v6-other')).status).toBe(401);
  });
});

describe('security: a forwarded address that is not an IP address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUSTED_PROXIES: '192.0.2.1' } });
  });
  afterAll(() => t.close());

  it.each([
    ['a 300-character hop', 'x'.repeat(300)],
    ['a host name', 'attacker.example'],
    ['an address with a port', '203.0.113.9:443'],
  ])(
    'is never used (%s): the failure is a 401 with its audit row naming the socket peer',
    async (_, hop) => {
      const username = `hop-${hop.length}-${hop.slice(0, 3)}`;
      const response = await loginFrom(t, '192.0.2.1', username, { 'x-forwarded-for': hop });
      expect(response.status).toBe(401);
      const rows = await auditEvents(t, { action: AuditAction.LoginFailed });
      const row = rows.find((event) => event.details.username === username);
      expect(row?.ip).toBe('192.0.2.1');
    },
  );
});

describe('security: one-time passwords and the order of refresh checks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ONE_TIME_PASSWORD_TTL: '1h' } });
  });
  afterAll(() => t.close());

  /** The fake clock outruns any admin session, so each reset is done by a freshly signed-in admin. */
  const resetPassword = async (userId: string) => {
    const admin: AdminFixture = await createAdmin(t);
    const response = await t
      .http()
      .post(`/users/${userId}/reset-password`)
      .set('Authorization', admin.bearer);
    expect(response.status).toBe(200);
    return response.body.one_time_password as string;
  };

  it('refuses a one-time password once ONE_TIME_PASSWORD_TTL has passed, with a code that says what to do', async () => {
    const user = await createUser(t);
    const password = await resetPassword(user.user.id);
    t.clock.advance(59 * 60_000);
    const inTime = await t.http().post('/auth/login').send({ username: user.username, password });
    expect(inTime.status).toBe(200);

    const again = await resetPassword(user.user.id);
    t.clock.advance(60 * 60_000 + 1_000);
    const late = await t
      .http()
      .post('/auth/login')
      .send({ username: user.username, password: again });
    expectProblem(late, 401, 'ONE_TIME_PASSWORD_EXPIRED');
    expect(late.body.title).toMatch(/administrator/i);
    const rows = await auditEvents(t, {
      action: AuditAction.LoginFailed,
      resourceId: user.user.id,
    });
    expect(rows[0].details).toMatchObject({ reason: 'one_time_password_expired' });
  });

  it("answers a revoked session's refresh token with 401 after an admin reset, never 403 PASSWORD_CHANGE_REQUIRED", async () => {
    const user = await createUser(t);
    const session = await logIn(t, user);
    await resetPassword(user.user.id);
    const refused = await t
      .http()
      .post('/auth/refresh')
      .set('Cookie', refreshCookie(session.refreshToken));
    expect(refused.status).toBe(401);
    expect(refused.body.code).not.toBe('PASSWORD_CHANGE_REQUIRED');
    expect(JSON.stringify(refused.body)).not.toMatch(/password/i);
  });
});
