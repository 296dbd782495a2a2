import { AuditAction } from '../src/audit/audit-action';
import { AuditEvent } from '../src/audit/entities/audit-event.entity';
import { logIn } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { chain } from './support/audit-chain';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/test-app';
import { type EventBody, record } from './support/audit-api-rig';

describe('audit routes (admin only)', () => {
  let t: TestApp;
  let admin: string;
  let alice: UserFixture;
  let aliceBearer: string;

  const get = (path: string, query: Record<string, string | number> = {}) =>
    t.http().get(path).query(query).set('Authorization', admin);
  const seqs = (body: { items: EventBody[] }) => body.items.map((item) => item.seq);

  beforeAll(async () => {
    t = await createTestApp();
    admin = `Bearer ${(await logIn(t, TEST_ADMIN)).accessToken}`;
    alice = await createUser(t);
    aliceBearer = `Bearer ${(await logIn(t, alice)).accessToken}`;
  });
  afterAll(() => t.close());

  it.each(['/audit/events', '/audit/events/export', '/audit/verify'])(
    '%s: 401 without a session, 403 for a non-admin',
    async (path) => {
      expect((await t.http().get(path)).status).toBe(401);
      const denied = await t.http().get(path).set('Authorization', aliceBearer);
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('INSUFFICIENT_ROLE');
    },
  );

  describe('GET /audit/events', () => {
    it('lists events newest first, as the chain stored them', async () => {
      const response = await get('/audit/events');
      expect(response.status).toBe(200);
      const stored = await chain(t);
      expect(seqs(response.body)).toEqual(stored.map((event) => event.seq).reverse());
      expect(response.body.next_cursor).toBeNull();
      const newest = stored[stored.length - 1];
      expect(response.body.items[0]).toEqual({
        seq: newest.seq,
        id: newest.id,
        occurred_at: newest.occurredAt.toISOString(),
        actor_user_id: newest.actorUserId,
        actor_username: newest.actorUsername,
        target_username: newest.targetUsername,
        chain_version: 2,
        action: newest.action,
        resource_type: newest.resourceType,
        resource_id: newest.resourceId,
        outcome: newest.outcome,
        details: newest.details,
        ip: newest.ip,
        user_agent: newest.userAgent,
        request_id: newest.requestId,
        prev_hash: newest.prevHash,
        hash: newest.hash,
      });
    });

    it('filters by actor, action, resource, outcome and time (from inclusive, to exclusive)', async () => {
      const start = t.clock.now();
      await record(t, { resourceId: 'doc-1', actorUserId: alice.user.id });
      t.clock.advance(60_000);
      const middle = t.clock.now();
      await record(t, { resourceId: 'doc-2', outcome: 'failure' });
      t.clock.advance(60_000);
      await record(t, { resourceId: 'doc-1', action: AuditAction.RoleChanged });

      const byResource = await get('/audit/events', {
        resource_type: 'document',
        resource_id: 'doc-1',
      });
      expect(byResource.body.items.map((item: EventBody) => item.action)).toEqual([
        AuditAction.RoleChanged,
        AuditAction.UserUpdated,
      ]);
      const byActor = await get('/audit/events', { actor: alice.user.id });
      // Alice's refused calls to the admin-only search above are hers too (ACCESS_DENIED: one row per
      // window for the same reason, the repeats counted in metrics).
      expect(byActor.body.items.map((item: EventBody) => item.action)).toEqual([
        AuditAction.UserUpdated,
        AuditAction.AccessDenied,
        AuditAction.LoginSuccess,
      ]);
      const failures = await get('/audit/events', {
        resource_type: 'document',
        outcome: 'failure',
      });
      expect(failures.body.items.map((item: EventBody) => item.resource_id)).toEqual(['doc-2']);
      const byAction = await get('/audit/events', { action: AuditAction.RoleChanged });
      expect(byAction.body.items).toHaveLength(1);
      const inWindow = await get('/audit/events', {
        resource_type: 'document',
        from: middle.toISOString(),
        to: new Date(middle.getTime() + 60_000).toISOString(),
      });
      expect(inWindow.body.items.map((item: EventBody) => item.resource_id)).toEqual(['doc-2']);
      const fromStart = await get('/audit/events', {
        resource_type: 'document',
        from: start.toISOString().replace('Z', ''), // no offset: UTC
      });
      expect(fromStart.body.items).toHaveLength(3);
    });

    it('pages with a cursor that new events never shift: no duplicates, no gaps', async () => {
      for (let i = 0; i < 7; i++) await record(t, { resourceType: 'paged', resourceId: `p${i}` });
      const existing = (await chain(t)).map((event) => event.seq).reverse();
      const seen: number[] = [];
      let cursor: string | null | undefined;
      let pages = 0;
      do {
        const page = await get('/audit/events', { limit: 3, ...(cursor && { cursor }) });
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...seqs(page.body));
        cursor = page.body.next_cursor;
        pages++;
        // Events arrive while the client pages.
        await record(t, { resourceType: 'arrived-meanwhile' });
        await record(t, { resourceType: 'arrived-meanwhile' });
      } while (cursor);
      expect(seen).toEqual(existing);
      expect(pages).toBe(Math.ceil(existing.length / 3));
    });

    it('caps a page at 200 events and defaults to 50', async () => {
      expect((await get('/audit/events', { limit: 200 })).status).toBe(200);
      for (let i = 0; i < 50; i++) await record(t, { resourceType: 'bulk' });
      const page = await get('/audit/events');
      expect(page.body.items).toHaveLength(50);
      expect(page.body.next_cursor).toBe(String(page.body.items[49].seq));
    });

    it.each([
      [{ limit: 201 }, 'limit'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ cursor: 'abc' }, 'cursor'],
      [{ cursor: '-1' }, 'cursor'],
      [{ from: 'yesterday' }, 'from'],
      [{ from: '2025-02-30' }, 'from'],
      [{ to: '2025-06-01T12:00:00+2' }, 'to'],
      [{ action: 'NOT_AN_ACTION' }, 'action'],
      [{ actor: 'not-a-uuid' }, 'actor'],
      [{ outcome: 'maybe' }, 'outcome'],
      [{ resource_id: 'doc-1' }, 'resource_type'],
      [{ sort: 'asc' }, 'sort'],
      [{ from: '2025-06-02', to: '2025-06-01' }, 'to'],
    ])('answers 400 naming the field for %j', async (query, field) => {
      const response = await get('/audit/events', query);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });
  });

  describe('GET /audit/events/export', () => {
    const ndjson = (text: string) =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as EventBody);

    it('streams every event as NDJSON, oldest first, with the chain fields', async () => {
      const response = await get('/audit/events/export')
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => done(null, text));
        });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
      expect(response.headers['content-disposition']).toContain('audit-events.ndjson');
      const lines = ndjson(response.body as string);
      const stored = await chain(t);
      expect(lines.map((line) => line.seq)).toEqual(stored.map((event) => event.seq));
      expect(lines.map((line) => line.hash)).toEqual(stored.map((event) => event.hash));
    });

    it('limits the export to [from, to)', async () => {
      t.clock.advance(1_000);
      const from = t.clock.now();
      await record(t, { resourceType: 'window' });
      t.clock.advance(1_000);
      const to = t.clock.now();
      await record(t, { resourceType: 'after-window' });
      const response = await get('/audit/events/export', {
        from: from.toISOString(),
        to: to.toISOString(),
      })
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => done(null, text));
        });
      expect(ndjson(response.body as string).map((line) => line.resource_type)).toEqual(['window']);
    });

    it('refuses a bad range with 400 before streaming anything', async () => {
      const response = await get('/audit/events/export', { from: 'last week' });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  it('GET /audit/verify reports the walk', async () => {
    const response = await get('/audit/verify');
    expect(response.status).toBe(200);
    const count = await t.dataSource.getRepository(AuditEvent).count();
    expect(response.body).toEqual({
      ok: true,
      checked: count,
      anchor_seq: 0,
      last_seq: count,
      last_hash: (await chain(t)).at(-1)!.hash,
      checkpoints_checked: 0,
      signed_through_seq: null,
    });
  });
});
