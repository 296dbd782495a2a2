import { AuditAction } from '../../src/audit/audit-action';
import { Session } from '../../src/sessions/entities/session.entity';
import { hashRefreshToken } from '../../src/sessions/refresh-token';
import { cookieNamesOf, logIn, refreshCookie } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { auditEvents } from '../support/audit';
import { setCookiesOf } from '../support/cookies';
import { expectNoTokenIssued, expectProblem, loadSession } from '../support/security';
import { createTestApp, type TestApp } from '../support/test-app';

/** Attack: replay a stolen refresh token, or race the legitimate client to mint a second lineage. */
describe('security: refresh-token reuse', () => {
  let t: TestApp;
  let alice: UserFixture;
  beforeAll(async () => {
    t = await createTestApp(); // REFRESH_REUSE_GRACE=10s
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  const refreshWith = (token: string) =>
    t.http().post('/auth/refresh').set('Cookie', refreshCookie(token));
  const successorOf = (response: Awaited<ReturnType<typeof refreshWith>>) =>
    setCookiesOf(response)[cookieNamesOf(t).refresh]?.value;

  it('after the grace window, a retired token revokes the whole session: thief and owner are out, nothing issued', async () => {
    const session = await logIn(t, alice);
    const legit = await refreshWith(session.refreshToken);
    const successor = successorOf(legit);
    t.clock.advance(11_000);

    const replay = await refreshWith(session.refreshToken);
    expectProblem(replay, 401, 'REFRESH_TOKEN_REUSED');
    expectNoTokenIssued(t, replay);

    const successorTry = await refreshWith(successor);
    expectProblem(successorTry, 401, 'SESSION_REVOKED');
    expectNoTokenIssued(t, successorTry);
    expectProblem(
      await t.http().get('/auth/me').set('Authorization', `Bearer ${legit.body.access_token}`),
      401,
      'SESSION_ENDED',
    );
    expect((await loadSession(t, session.sessionId)).revokedReason).toBe('refresh_token_reused');
  });

  it('audits a detected reuse with the retirement time and session_revoked: true', async () => {
    const session = await logIn(t, alice);
    expect((await refreshWith(session.refreshToken)).status).toBe(200);
    const retiredAt = t.clock.now();
    t.clock.advance(11_000);

    const replay = await refreshWith(session.refreshToken);
    expectProblem(replay, 401, 'REFRESH_TOKEN_REUSED');
    const rows = await auditEvents(t, {
      action: AuditAction.RefreshTokenReused,
      resourceId: session.sessionId,
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      outcome: 'failure',
      actorUserId: alice.user.id,
      resourceType: 'session',
      requestId: replay.body.request_id,
      details: { retired_at: retiredAt.toISOString(), session_revoked: true },
    });
  });

  it('inside the grace window, a retired token gets an access token but never a second refresh token', async () => {
    const login = await t
      .http()
      .post('/auth/login')
      .send({ username: alice.username, password: alice.password, client: 'api' });
    const original = login.body.refresh_token as string;
    const winner = await t.http().post('/auth/refresh').send({ refresh_token: original });
    const successor = winner.body.refresh_token as string;
    t.clock.advance(5_000);

    const late = await Promise.all([
      ...Array.from({ length: 5 }, () => refreshWith(original)),
      ...Array.from({ length: 5 }, () =>
        t.http().post('/auth/refresh').send({ refresh_token: original }),
      ),
    ]);
    for (const response of late) {
      expect(response.status).toBe(200);
      expect(response.body.access_token).toEqual(expect.any(String));
      expect(response.body.refresh_token).toBeUndefined();
      expect(successorOf(response)).toBeUndefined();
    }
    // The winner's successor is still the one and only refresh token of the session.
    const sessionId = original.split('.')[0];
    const row = await t.dataSource.getRepository(Session).findOneByOrFail({ id: sessionId });
    expect(row.refreshTokenHash).toBe(hashRefreshToken(successor));
    expect(row.revokedAt).toBeNull();
    expect((await t.http().post('/auth/refresh').send({ refresh_token: successor })).status).toBe(
      200,
    );
  });

  it('many parallel refreshes with one token mint exactly one successor', async () => {
    const session = await logIn(t, alice);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => refreshWith(session.refreshToken)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(responses.map(successorOf).filter((value) => value !== undefined)).toHaveLength(1);
  });
});
