import { AuditAction } from '../../src/audit/audit-action';
import { REFUSAL_AUDIT_WINDOW_MS } from '../../src/audit/refusal-audit.service';
import { accessCookie, logIn } from '../factories/session.factory';
import { createUser } from '../factories/user.factory';
import { auditEvents } from '../support/audit';
import { forgeJwt } from '../support/jwt-forge';
import { scrape } from '../support/metrics';
import { expectProblem } from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Attack: flood the audit log (each row a transaction on the chain lock) with refusals anyone can provoke:
 * cross-origin writes, forged tokens, replayed refresh tokens, policy failures of a plain user.
 */
describe('security: refusals are all audited, and cannot flood the audit log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUSTED_PROXIES: '127.0.0.1' } });
  });
  afterAll(() => t.close());

  const rowsOf = async (action: AuditAction, reason: string) =>
    (await auditEvents(t, { action })).filter((row) => row.details.reason === reason);

  it('turns 1,000 refused cross-origin writes from one client into one row, each refusal counted in metrics', async () => {
    const alice = await logIn(t, await createUser(t));
    const before = (await rowsOf(AuditAction.AccessDenied, 'csrf')).length;
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 100 }, () =>
          t
            .http()
            .post('/auth/logout-all')
            .set('X-Forwarded-For', '203.0.113.50')
            .set('Cookie', accessCookie(alice.accessToken))
            .set('Origin', 'https://evil.example')
            .set('Sec-Fetch-Site', 'cross-site'),
        ),
      );
      for (const response of responses) expect(response.status).toBe(403);
    }
    expect((await rowsOf(AuditAction.AccessDenied, 'csrf')).length - before).toBe(1);
    const metrics = await scrape(t);
    expect(metrics).toMatch(/aegis_refusals_total\{action="ACCESS_DENIED",reason="csrf"\} 1000/);
  });

  it('audits the next refusal after the window with the count of suppressed repeats', async () => {
    const send = () =>
      t
        .http()
        .get('/auth/me')
        .set('X-Forwarded-For', '203.0.113.60')
        .set(
          'Authorization',
          `Bearer ${forgeJwt({ alg: 'HS256', typ: 'at+jwt', kid: 'x' }, { sub: 'u' }, 'guess')}`,
        );
    for (let i = 0; i < 4; i++) expectProblem(await send(), 401, 'INVALID_TOKEN');
    t.clock.advance(REFUSAL_AUDIT_WINDOW_MS);
    await send();
    const rows = (await rowsOf(AuditAction.TokenRejected, 'invalid_token')).filter(
      (row) => row.ip === '203.0.113.60',
    );
    expect(rows.map((row) => row.details.suppressed ?? 0).sort()).toEqual([0, 3]);
  });

  it("audits a replayed refresh token of a revoked session (once per window), without the reset's secret", async () => {
    const victim = await createUser(t);
    const session = await logIn(t, victim);
    await t.http().post('/auth/logout').send({ refresh_token: session.refreshToken });
    for (let i = 0; i < 3; i++) {
      const replay = await t
        .http()
        .post('/auth/refresh')
        .set('X-Forwarded-For', '203.0.113.70')
        .send({ refresh_token: session.refreshToken });
      expectProblem(replay, 401, 'SESSION_REVOKED');
    }
    const rows = (await auditEvents(t, { action: AuditAction.RefreshRefused })).filter(
      (row) => row.ip === '203.0.113.70',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'failure', details: { reason: 'session_revoked' } });
  });

  it("keeps a plain user's policy refusals at change-password to one row per window", async () => {
    const bob = await createUser(t);
    const session = await logIn(t, bob);
    for (let i = 0; i < 20; i++) {
      const response = await t
        .http()
        .post('/auth/change-password')
        .set('Authorization', `Bearer ${session.accessToken}`)
        .send({ current_password: bob.password, new_password: 'short' });
      expectProblem(response, 400, 'PASSWORD_TOO_SHORT');
    }
    const rows = await auditEvents(t, {
      action: AuditAction.PasswordChangeFailed,
      actorUserId: bob.user.id,
    });
    expect(rows).toHaveLength(1);
  });
});
