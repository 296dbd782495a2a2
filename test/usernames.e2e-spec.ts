import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runCli } from '../src/cli/run-cli';
import { PasswordHasher } from '../src/common/crypto/password-hasher';
import { loadDatabaseConfig } from '../src/config/app-config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { MIGRATIONS } from '../src/database/migrations';
import { User } from '../src/users/entities/user.entity';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { createTestApp, type TestApp } from './support/test-app';

const PASSWORD = 'a long enough pass phrase';

/** Usernames per RFC 8265 (UsernameCaseMapped, full case folding), unique on their UTS #39 skeleton. */
describe('usernames that look alike', () => {
  let t: TestApp;
  let admin: AdminFixture;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const create = (username: string) =>
    t
      .http()
      .post('/users')
      .set('Authorization', admin.bearer)
      .send({ username, role: 'user', password: PASSWORD });
  const logIn = (username: string) =>
    t.http().post('/auth/login').send({ username, password: PASSWORD });

  it('refuses Cyrillic "аlice" after "alice" with 409', async () => {
    expect((await create('alice')).status).toBe(201);
    const lookAlike = await create('\u0430lice');
    expect(lookAlike.status).toBe(409);
    expect(lookAlike.body.code).toBe('USERNAME_TAKEN');
    expect((await create('ALICE')).status).toBe(409);
  });

  it('refuses invisible and bidirectional characters with 400', async () => {
    for (const name of [
      'admin\u3164',
      'ad\u200Bmin',
      'ad\u00ADmin',
      'adm\u202Ein',
      'admin\u2066',
    ]) {
      const response = await create(name);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('folds case fully: "STRASSE" after "Straße" is 409, and every spelling logs in', async () => {
    const created = await create('Straße');
    expect(created.status).toBe(201);
    expect(created.body.user.username).toBe('strasse');
    expect((await create('STRASSE')).status).toBe(409);
    for (const spelling of ['strasse', 'STRASSE', 'Straße', 'STRAẞE']) {
      const login = await logIn(spelling);
      expect(login.status).toBe(200);
    }
  });

  it('handles the Turkish İ the same way in every locale: "İstanbul" after "istanbul" is 409', async () => {
    expect((await create('istanbul')).status).toBe(201);
    expect((await create('İstanbul')).status).toBe(409);
    expect((await create('ıstanbul')).status).toBe(409);
  });

  it('stores the skeleton in a unique column: a look-alike written around the check is refused', async () => {
    const alice = await t.dataSource.getRepository(User).findOneByOrFail({ username: 'alice' });
    expect(alice.usernameSkeleton).toBe('alice');
    await expect(
      t.dataSource.getRepository(User).insert({
        ...alice,
        id: randomUUID(),
        username: '\u0430lice',
      }),
    ).rejects.toThrow(/unique|duplicate/i);
  });
});

describe('the skeleton migration on existing look-alike accounts', () => {
  let database: TestDatabase;
  const [before, after] = [
    MIGRATIONS.slice(
      0,
      MIGRATIONS.findIndex((m) => m.name.startsWith('UsernameSkeleton')),
    ),
    MIGRATIONS,
  ];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('keeps the upgrade going, gives the oldest the skeleton, lists the rest, keeps their logins', async () => {
    expect(before.length).toBeLessThan(after.length);
    const legacy = new DataSource({
      ...buildDataSourceOptions(loadDatabaseConfig(database.env)),
      migrations: before,
      migrationsRun: true,
    });
    await legacy.initialize();
    const hash = await new PasswordHasher({
      argon2: { memoryKiB: 19_456, timeCost: 2, parallelism: 1 },
    }).hash(PASSWORD);
    // As the previous rules stored them (NFKC, lower case): three that look like "admin" (NFKC made the
    // typed U+3164 HANGUL FILLER a U+1160, just as invisible), one with ß.
    const names = ['admin', '\u0430dmin', 'admin\u1160', 'straße', 'bob'];
    try {
      for (const [index, username] of names.entries()) {
        const at = new Date(Date.UTC(2025, 0, 1 + index));
        await legacy
          .createQueryBuilder()
          .insert()
          .into('users')
          .values({
            id: randomUUID(),
            username,
            password_hash: hash,
            role: index === 0 ? 'admin' : 'user',
            is_active: true,
            must_change_password: false,
            password_changed_at: at,
            created_at: at,
            updated_at: at,
          })
          .execute();
      }
    } finally {
      await legacy.destroy();
    }

    const t = await createTestApp({
      database,
      env: { AEGIS_ADMIN_USERNAME: '', AEGIS_ADMIN_PASSWORD: '' },
    });
    try {
      const rows = await t.dataSource.getRepository(User).find({ order: { createdAt: 'ASC' } });
      expect(rows.map((row) => [row.username, row.usernameSkeleton])).toEqual([
        ['admin', 'adrnin'],
        ['\u0430dmin', null],
        ['admin\u1160', null],
        ['straße', 'strasse'],
        ['bob', 'bob'],
      ]);
      // Every existing name logs in as it did, the one today's rules refuse included.
      for (const username of ['admin', '\u0430dmin', 'admin\u3164', 'Straße', 'bob']) {
        const login = await t.http().post('/auth/login').send({ username, password: PASSWORD });
        expect({ username, status: login.status }).toEqual({ username, status: 200 });
      }
      const bearer = `Bearer ${(await t.http().post('/auth/login').send({ username: 'admin', password: PASSWORD })).body.access_token}`;
      const strasse = await t
        .http()
        .post('/users')
        .set('Authorization', bearer)
        .send({ username: 'STRASSE', role: 'user', password: PASSWORD });
      expect(strasse.status).toBe(409);
    } finally {
      await t.close();
    }

    const out: string[] = [];
    const code = await runCli(
      ['users:confusables'],
      { ...database.env, LOG_LEVEL: 'error' },
      {
        out: (line) => out.push(line),
        err: () => undefined,
      },
    );
    expect(code).toBe(1);
    expect(out.map((line) => line.split('\t').slice(0, 2))).toEqual([
      ['group', 'username'],
      ['1', 'admin'],
      ['1', '\\u{0430}dmin'],
      ['1', 'admin\\u{1160}'],
    ]);

    // Every CLI line is terminal-safe: the invisible filler is shown, not printed.
    const listed: string[] = [];
    await runCli(
      ['users:list'],
      { ...database.env, LOG_LEVEL: 'error' },
      {
        out: (line) => listed.push(line),
        err: () => undefined,
      },
    );
    expect(listed.map((line) => line.split('\t')[0])).toContain('admin\\u{1160}');
  });
});
