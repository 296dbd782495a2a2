import { AuditAction } from '../src/audit/audit-action';
import { Session } from '../src/sessions/entities/session.entity';
import { SessionPurgeService } from '../src/sessions/session-purge.service';
import { accessCookie, logIn, refreshCookie } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { setCookiesOf } from './support/cookies';
import { SessionUseRecorder } from '../src/sessions/session-use/session-use-recorder';
import { createTestApp, type TestApp } from './support/test-app';

describe("a user's own sessions", () => {
  let t: TestApp;
  let alice: UserFixture;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  it('lists live sessions with the current one marked; ended and expired ones disappear', async () => {
    const laptop = await logIn(t, alice);
    const phone = await logIn(t, alice);
    const gone = await logIn(t, alice);
    await t.http().post('/auth/logout').set('Authorization', `Bearer ${gone.accessToken}`);

    const response = await t
      .http()
      .get('/auth/sessions')
      .set('Authorization', `Bearer ${laptop.accessToken}`)
      .set('User-Agent', 'x');
    expect(response.status).toBe(200);
    const byId = Object.fromEntries(
      response.body.items.map((session: { id: string }) => [session.id, session]),
    );
    expect(Object.keys(byId)).toEqual(expect.arrayContaining([laptop.sessionId, phone.sessionId]));
    expect(byId[gone.sessionId]).toBeUndefined();
    expect(byId[laptop.sessionId].current).toBe(true);
    expect(byId[phone.sessionId].current).toBe(false);
    expect(JSON.stringify(response.body)).not.toMatch(/refresh|hash/i);

    t.clock.advance(31 * 60_000); // idle TTL 30m: every session above has expired
    const fresh = await logIn(t, alice);
    const after = await t
      .http()
      .get('/auth/sessions')
      .set('Authorization', `Bearer ${fresh.accessToken}`);
    expect(after.body.items.map((session: { id: string }) => session.id)).toEqual([
      fresh.sessionId,
    ]);
  });

  it('moves last_used_at forward with use, written by the flush job rather than by each request', async () => {
    const carol = await createUser(t);
    const session = await logIn(t, carol);
    const loggedInAt = t.clock.now().toISOString();
    const mine = async () => {
      const response = await t
        .http()
        .get('/auth/sessions')
        .set('Authorization', `Bearer ${session.accessToken}`);
      expect(response.status).toBe(200);
      return response.body.items[0] as { created_at: string; last_used_at: string };
    };
    // Inside the access token's five minutes.
    t.clock.advance(2 * 60_000);
    for (let request = 0; request < 5; request++)
      expect((await mine()).last_used_at).toBe(loggedInAt);

    t.clock.advance(60_000);
    const usedAt = t.clock.now().toISOString();
    await mine();
    expect(await t.app.get(SessionUseRecorder).flush()).toBeGreaterThanOrEqual(1);
    expect(await mine()).toMatchObject({ created_at: loggedInAt, last_used_at: usedAt });
  });

  it('pages through the caller’s own sessions with limit and cursor', async () => {
    const bob = await createUser(t);
    const older = await logIn(t, bob);
    t.clock.advance(1_000);
    const newer = await logIn(t, bob);
    const as = (path: string) =>
      t.http().get(path).set('Authorization', `Bearer ${newer.accessToken}`);
    const first = await as('/auth/sessions?limit=1');
    expect(first.body.items).toEqual([
      expect.objectContaining({ id: newer.sessionId, current: true }),
    ]);
    const second = await as(`/auth/sessions?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body).toEqual({
      items: [expect.objectContaining({ id: older.sessionId, current: false })],
      next_cursor: null,
    });
  });

  it("ends one of the caller's sessions, and answers 404 for someone else's", async () => {
    const mine = await logIn(t, alice);
    const other = await logIn(t, alice);
    const bob = await createUser(t);
    const bobs = await logIn(t, bob);

    const foreign = await t
      .http()
      .delete(`/auth/sessions/${bobs.sessionId}`)
      .set('Authorization', `Bearer ${mine.accessToken}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('SESSION_NOT_FOUND');
    expect(
      (await t.http().get('/auth/me').set('Authorization', `Bearer ${bobs.accessToken}`)).status,
    ).toBe(200);

    const ended = await t
      .http()
      .delete(`/auth/sessions/${other.sessionId}`)
      .set('Authorization', `Bearer ${mine.accessToken}`);
    expect(ended.status).toBe(204);
    expect(
      (await t.http().get('/auth/me').set('Authorization', `Bearer ${other.accessToken}`)).status,
    ).toBe(401);
    expect(
      (await t.http().get('/auth/me').set('Authorization', `Bearer ${mine.accessToken}`)).status,
    ).toBe(200);
    const events = await auditEvents(t, {
      action: AuditAction.SessionRevoked,
      resourceId: other.sessionId,
    });
    expect(events[0]).toMatchObject({
      actorUserId: alice.user.id,
      details: { by: 'self', current: false },
    });
    expect(
      (
        await t
          .http()
          .delete('/auth/sessions/nope')
          .set('Authorization', `Bearer ${mine.accessToken}`)
      ).status,
    ).toBe(400);
  });

  it('logout-all ends every session including the current one and clears the cookies', async () => {
    const carol = await createUser(t);
    const one = await logIn(t, carol);
    const two = await logIn(t, carol);
    const response = await t
      .http()
      .post('/auth/logout-all')
      .set('Cookie', `${accessCookie(one.accessToken)}; ${refreshCookie(one.refreshToken)}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ revoked: 2 });
    expect(setCookiesOf(response).aegis_token.value).toBe('');
    for (const session of [one, two]) {
      expect(
        (await t.http().get('/auth/me').set('Authorization', `Bearer ${session.accessToken}`))
          .status,
      ).toBe(401);
      expect(
        (await t.http().post('/auth/refresh').send({ refresh_token: session.refreshToken })).status,
      ).toBe(401);
    }
  });

  it('purges the rows of ended sessions after a day, keeping live ones', async () => {
    const dave = await createUser(t);
    const live = await logIn(t, dave);
    const ended = await logIn(t, dave);
    await t.http().post('/auth/logout').set('Authorization', `Bearer ${ended.accessToken}`);
    const purge = t.app.get(SessionPurgeService);
    const repository = t.dataSource.getRepository(Session);

    await purge.purge();
    expect(await repository.countBy({ id: ended.sessionId })).toBe(1);

    t.clock.advance(25 * 3_600_000);
    const keep = await logIn(t, dave);
    expect(await purge.purge()).toBeGreaterThanOrEqual(2);
    expect(await repository.countBy({ id: ended.sessionId })).toBe(0);
    expect(await repository.countBy({ id: live.sessionId })).toBe(0);
    expect(await repository.countBy({ id: keep.sessionId })).toBe(1);
  });
});
