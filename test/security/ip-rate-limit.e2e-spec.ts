import { AuditAction } from '../../src/audit/audit-action';
import { Session } from '../../src/sessions/entities/session.entity';
import { auditEvents } from '../support/audit';
import { expectNoTokenIssued, expectProblem, wrongLoginFromPeer } from '../support/security';
import { createTestApp, TEST_ADMIN, type TestApp } from '../support/test-app';

const LIMIT = { LOGIN_RATE_LIMIT_PER_MINUTE: '5' };

/** Distinct names per attempt: this file is about the per-IP limit, not the per-account one. */
let attemptNo = 0;
const guess = (t: TestApp, forwardedFor?: string) => {
  const request = t.http().post('/auth/login');
  if (forwardedFor !== undefined) void request.set('X-Forwarded-For', forwardedFor);
  return request.send({ username: `guess-${++attemptNo}`, password: 'guessed password' });
};
const adminLogin = (t: TestApp, forwardedFor?: string) => {
  const request = t.http().post('/auth/login');
  if (forwardedFor !== undefined) void request.set('X-Forwarded-For', forwardedFor);
  return request.send(TEST_ADMIN);
};

/** Attack: guess passwords faster than the per-IP limit, hiding behind forged X-Forwarded-For values. */
describe('security: per-IP login limit from an untrusted peer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: LIMIT }); // TRUSTED_PROXIES empty: nobody's X-Forwarded-For counts
  });
  afterAll(() => t.close());

  it('refuses the sixth attempt in a minute although every attempt claimed another X-Forwarded-For', async () => {
    for (let i = 1; i <= 5; i++) {
      expectProblem(await guess(t, `203.0.113.${i}`), 401, 'INVALID_CREDENTIALS');
    }
    const sixth = await adminLogin(t, '203.0.113.99');
    expectProblem(sixth, 429, 'LOGIN_RATE_LIMITED');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(60);
    expectNoTokenIssued(t, sixth);
    expect(await t.dataSource.getRepository(Session).count()).toBe(0);

    // Every row names the real peer; none of the forged addresses was believed.
    const rows = await auditEvents(t, { action: AuditAction.LoginFailed });
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((row) => row.ip))).toEqual(new Set(['127.0.0.1']));
    expect(rows.filter((row) => row.details.reason === 'rate_limited')).toEqual([
      expect.objectContaining({
        details: { username: TEST_ADMIN.username, reason: 'rate_limited' },
      }),
    ]);
  });
});

describe('security: per-IP login limit behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The test client is the proxy (127.0.0.1); 10.0.0.0/8 stands for the internal hops behind it.
    t = await createTestApp({ env: { ...LIMIT, TRUSTED_PROXIES: '127.0.0.1,10.0.0.0/8' } });
  });
  afterAll(() => t.close());

  it('limits the real client (the right-most untrusted address), not the proxy, and audits its IP', async () => {
    for (let i = 1; i <= 5; i++) {
      // The client prepends forged hops; the proxies append what they saw. Left-most entries mean nothing.
      expectProblem(
        await guess(t, `6.6.6.${i}, 203.0.113.7, 10.1.2.3`),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const sixth = await adminLogin(t, '1.2.3.4, 203.0.113.7');
    expectProblem(sixth, 429, 'LOGIN_RATE_LIMITED');
    expectNoTokenIssued(t, sixth);

    const rows = await auditEvents(t, { action: AuditAction.LoginFailed });
    expect(rows.map((row) => row.ip)).toEqual(Array(6).fill('203.0.113.7'));
    expect(rows.filter((row) => row.details.reason === 'rate_limited')).toHaveLength(1);

    // Another client behind the same proxy is not affected, and its session and audit row carry its IP.
    const other = await adminLogin(t, '203.0.113.8');
    expect(other.status).toBe(200);
    const sessions = await t.dataSource.getRepository(Session).find();
    expect(sessions.map((session) => session.ip)).toEqual(['203.0.113.8']);
    const success = await auditEvents(t, { action: AuditAction.LoginSuccess });
    expect(success.map((row) => row.ip)).toEqual(['203.0.113.8']);
  });

  it('ignores X-Forwarded-For sent by a peer that is not one of the trusted proxies', async () => {
    // The socket peer chosen by the test: here a client reaching the service directly.
    const response = await wrongLoginFromPeer(t, '192.0.2.50', 'direct-peer-probe', {
      'x-forwarded-for': '203.0.113.200',
    });
    expect(response.status).toBe(401);
    const rows = await auditEvents(t, { action: AuditAction.LoginFailed });
    expect(rows.find((row) => row.details.username === 'direct-peer-probe')?.ip).toBe('192.0.2.50');
  });
});
