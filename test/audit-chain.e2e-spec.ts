import { chainHash, GENESIS_HASH } from '../src/audit/audit-chain';
import { AuditService } from '../src/audit/audit.service';
import { AuditVerificationService } from '../src/audit/audit-verification.service';
import { UnitOfWork } from '../src/database/unit-of-work';
import { User } from '../src/users/entities/user.entity';
import { UsersService } from '../src/users/users.service';
import { Role } from '../src/common/access/role';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { chain, recordProbeEvent, startSecondInstance } from './support/audit-chain';
import { usingPostgres } from './support/test-database';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/test-app';

async function expectUnbrokenChain(t: TestApp): Promise<number> {
  const events = await chain(t);
  let prevHash = GENESIS_HASH;
  events.forEach((event, index) => {
    expect(event.seq).toBe(index + 1);
    expect(event.prevHash).toBe(prevHash);
    expect(event.hash).toBe(chainHash(prevHash, event));
    prevHash = event.hash;
  });
  const report = await t.app.get(AuditVerificationService).verify();
  expect(report).toMatchObject({ ok: true, checked: events.length, lastSeq: events.length });
  return events.length;
}

describe('the audit hash chain', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('gives every event the next seq, links it to the previous hash and hashes its content', async () => {
    const alice = await createUser(t);
    await logIn(t, alice);
    await t
      .http()
      .post('/auth/login')
      .send({ username: alice.username, password: 'wrong password!' });
    const admin = await logIn(t, TEST_ADMIN);
    const verified = await t
      .http()
      .get('/audit/verify')
      .set('Authorization', `Bearer ${admin.accessToken}`);

    const count = await expectUnbrokenChain(t);
    expect(count).toBeGreaterThanOrEqual(4);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, checked: count, anchor_seq: 0 });
  });

  it('keeps one gapless chain while many audited requests run in parallel', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => createUser(t)));
    const sessions = await Promise.all(users.flatMap((user) => [logIn(t, user), logIn(t, user)]));
    const responses = await Promise.all([
      ...sessions.map((session) =>
        t.http().post('/auth/refresh').send({ refresh_token: session.refreshToken }),
      ),
      ...users.map((user) =>
        t
          .http()
          .post('/auth/login')
          .send({ username: user.username, password: 'not the password' }),
      ),
      ...sessions
        .slice(0, 4)
        .map((session) =>
          t.http().post('/auth/logout').set('Authorization', `Bearer ${session.accessToken}`),
        ),
    ]);
    expect(responses.map((response) => response.status)).toEqual([
      ...sessions.map(() => 200),
      ...users.map(() => 401),
      ...sessions.slice(0, 4).map(() => 200),
    ]);
    await expectUnbrokenChain(t);
  });

  it('rolls the change back when the chained append itself fails at commit', async () => {
    const before = (await chain(t)).length;
    const username = 'never-committed';
    await expect(
      t.app.get(UnitOfWork).run(async () => {
        await t.app.get(UsersService).create({
          username,
          password: 'a long enough passphrase',
          role: Role.User,
          mustChangePassword: false,
        });
        // The database refuses this row (check constraint on outcome) during the pre-commit append.
        await t.app.get(AuditService).record({
          action: 'USER_CREATED' as never,
          outcome: 'maybe' as never,
          resourceType: 'user',
        });
      }),
    ).rejects.toThrow();
    expect(await t.dataSource.getRepository(User).countBy({ username })).toBe(0);
    expect(await chain(t)).toHaveLength(before);
    await expectUnbrokenChain(t);
  });

  it('chains an event recorded outside any request, in a transaction of its own', async () => {
    await t.app.get(AuditService).record({
      action: 'ACCESS_DENIED' as never,
      outcome: 'failure',
      resourceType: 'test',
      details: { reason: 'outside_any_request' },
    });
    const events = await chain(t);
    expect(events[events.length - 1].resourceType).toBe('test');
    await expectUnbrokenChain(t);
  });

  it('lets the database itself refuse to edit or delete audit events', async () => {
    const [first] = await chain(t);
    const refused = /append-only/;
    await expect(
      t.dataSource.query(`UPDATE audit_events SET details = '{}' WHERE seq = ${first.seq}`),
    ).rejects.toThrow(refused);
    await expect(
      t.dataSource.query(`DELETE FROM audit_events WHERE seq = ${first.seq}`),
    ).rejects.toThrow(refused);
    // The retention anchor only ever moves forward, and never disappears.
    await expect(t.dataSource.query('UPDATE audit_chain_anchor SET seq = -1')).rejects.toThrow(
      refused,
    );
    await expect(t.dataSource.query('DELETE FROM audit_chain_anchor')).rejects.toThrow(refused);
    if (t.database.kind === 'postgres') {
      await expect(t.dataSource.query('TRUNCATE audit_events')).rejects.toThrow(refused);
      // Outside a purge, not even forward.
      await expect(
        t.dataSource.query(`UPDATE audit_chain_anchor SET seq = ${first.seq}`),
      ).rejects.toThrow(refused);
      // Even the retention switch cannot delete an event above the anchor: no holes, only a prefix.
      await expect(
        t.dataSource.transaction(async (manager) => {
          await manager.query("SELECT set_config('aegis.audit_purge', 'on', true)");
          await manager.query(`DELETE FROM audit_events WHERE seq = ${first.seq}`);
        }),
      ).rejects.toThrow(refused);
    }
    await expectUnbrokenChain(t);
  });
});

(usingPostgres() ? describe : describe.skip)(
  'the audit hash chain across instances (PostgreSQL)',
  () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('two instances appending at once on one database leave one valid chain without gaps', async () => {
      const second = await startSecondInstance(t.config);
      try {
        const users = await Promise.all(Array.from({ length: 4 }, () => createUser(t)));
        const sessions = await Promise.all(users.map((user) => logIn(t, user)));
        const first = t.app.get(AuditService);
        const firstUnitOfWork = t.app.get(UnitOfWork);
        const perInstance = 150;
        await Promise.all([
          ...Array.from({ length: perInstance }, (_, i) =>
            recordProbeEvent(first, firstUnitOfWork, `first ${i}`),
          ),
          ...Array.from({ length: perInstance }, (_, i) =>
            recordProbeEvent(second.audit, second.unitOfWork, `second ${i}`),
          ),
          ...sessions.map((session) =>
            t
              .http()
              .post('/auth/refresh')
              .send({ refresh_token: session.refreshToken })
              .expect(200),
          ),
        ]);
        const count = await expectUnbrokenChain(t);
        const events = await chain(t);
        expect(
          events.filter((event) => String(event.details.reason).startsWith('second ')),
        ).toHaveLength(perInstance);
        expect(
          events.filter((event) => String(event.details.reason).startsWith('first ')),
        ).toHaveLength(perInstance);
        expect(count).toBe(events.length);
      } finally {
        await second.close();
      }
    });
  },
);
