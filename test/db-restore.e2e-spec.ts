import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/entities/audit-event.entity';
import { runCli } from '../src/cli/run-cli';
import { OidcPayload } from '../src/oidc/entities/oidc-payload.entity';
import { logIn, type LoggedIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { createTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, usingPostgres, type TestDatabase } from './support/test-database';

async function cli(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { ...env, JWT_SECRET: 'cli-secret-that-is-long-enough-0123456789', LOG_LEVEL: 'error' },
    { out: (line) => out.push(line), err: (line) => err.push(line) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function providerRow(model: string, id: string): OidcPayload {
  return Object.assign(new OidcPayload(), {
    model,
    id,
    payload: '{}',
    grantId: null,
    userCode: null,
    uid: null,
    expiresAt: new Date(Date.now() + 3_600_000),
    consumedAt: null,
  });
}

/** The operator restores a backup taken before a logout: the logged-out token must not come back. */
describe('npm run cli -- db:restore', () => {
  let database: TestDatabase;
  let dir: string;
  let t: TestApp | undefined;
  let backup: string;
  let session: LoggedIn;
  const live = () => database.env.SQLITE_PATH;
  const me = (app: TestApp, token: string) =>
    app.http().get('/auth/me').set('Authorization', `Bearer ${token}`);
  const refresh = (app: TestApp, token: string) =>
    app.http().post('/auth/refresh').send({ refresh_token: token });
  async function openApp(): Promise<TestApp> {
    t = await createTestApp({ database });
    return t;
  }
  async function closeApp(): Promise<void> {
    await t?.close();
    t = undefined;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'aegis-restore-'));
    backup = join(dir, 'before-logout.sqlite');
  });
  afterAll(async () => {
    await closeApp();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  (usingPostgres() ? it : it.skip)('refuses on PostgreSQL, pointing at pg_restore', async () => {
    const result = await cli(database.env, 'db:restore', '--from', join(dir, 'x.sqlite'));
    expect(result.code).toBe(2);
    expect(result.err).toContain('pg_restore');
    expect(result.err).toContain('sessions:revoke-all');
  });

  const sqlite = usingPostgres() ? describe.skip : describe;
  sqlite('on SQLite', () => {
    beforeAll(async () => {
      const app = await openApp();
      session = await logIn(app, await createUser(app));
      await app.dataSource
        .getRepository(OidcPayload)
        .insert([
          providerRow('Grant', 'grant-1'),
          providerRow('AccessToken', 'at-1'),
          providerRow('ReplayDetection', 'jti-1'),
        ]);
      expect((await cli(database.env, 'db:backup', '--to', backup)).code).toBe(0);
      const logout = await app
        .http()
        .post('/auth/logout')
        .set('Authorization', `Bearer ${session.accessToken}`);
      expect(logout.status).toBeLessThan(300);
      expect((await me(app, session.accessToken)).status).toBe(401);
      await closeApp();
    });
    afterEach(closeApp);

    it('refuses while the service has the database open, replacing nothing', async () => {
      await openApp();
      const inode = statSync(live()).ino;
      const result = await cli(database.env, 'db:restore', '--from', backup);
      expect(result.code).toBe(2);
      expect(result.err).toContain('is the service running?');
      expect(statSync(live()).ino).toBe(inode);
      expect((await me(t!, session.accessToken)).status).toBe(401);
    });

    it.each([
      ['a missing file', () => join(dir, 'missing.sqlite'), 'is not a file'],
      [
        'a file that is not SQLite',
        () => (writeFileSync(join(dir, 'junk'), 'not a database at all'), join(dir, 'junk')),
        'not a SQLite database',
      ],
      [
        'a backup of a newer schema',
        async () => {
          const newer = join(dir, 'newer.sqlite');
          copyFileSync(backup, newer);
          // The row a later version's migration would have left.
          const copy = await new DataSource({
            type: 'better-sqlite3',
            database: newer,
          }).initialize();
          await copy.query(
            "INSERT INTO migrations (timestamp, name) VALUES (9999999999999, 'Future9999999999999')",
          );
          await copy.destroy();
          return newer;
        },
        'newer schema',
      ],
    ])('refuses %s with a clear error, replacing nothing', async (_what, file, message) => {
      const inode = statSync(live()).ino;
      const result = await cli(database.env, 'db:restore', '--from', await file());
      expect(result.code).toBe(2);
      expect(result.err).toContain(message);
      expect(result.err).toContain('Nothing was restored');
      expect(statSync(live()).ino).toBe(inode);
    });

    it('restores the backup and ends the sessions it holds: the logged-out tokens stay refused', async () => {
      const result = await cli(database.env, 'db:restore', '--from', backup);
      expect(result).toMatchObject({ code: 0 });
      expect(result.out).toContain('ended 1 session(s) and 1 OpenID grant(s)');
      expect(statSync(live()).mode & 0o777).toBe(0o600);

      const app = await openApp();
      expect((await me(app, session.accessToken)).status).toBe(401);
      expect((await refresh(app, session.refreshToken)).status).toBe(401);
      const kept = await app.dataSource.getRepository(OidcPayload).find();
      expect(kept.map((row) => row.model)).toEqual(['ReplayDetection']);
      const audited = await app.dataSource
        .getRepository(AuditEvent)
        .findOneByOrFail({ action: 'DB_RESTORED' });
      expect(audited.details).toMatchObject({
        file: 'before-logout.sqlite',
        keep_sessions: false,
        sessions_ended: 1,
        oidc_grants_ended: 1,
        oidc_artifacts_deleted: 2,
        source: 'cli',
      });
      await closeApp();
      const verified = await cli(database.env, 'audit:verify');
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.out)).toMatchObject({ ok: true });
    });

    it('with --keep-sessions, brings the logged-out session back to life (the documented risk)', async () => {
      const result = await cli(database.env, 'db:restore', '--from', backup, '--keep-sessions');
      expect(result.code).toBe(0);
      expect(result.out).toContain('sessions kept');
      const app = await openApp();
      expect((await me(app, session.accessToken)).status).toBe(200);
      const audited = await app.dataSource
        .getRepository(AuditEvent)
        .findOneByOrFail({ action: 'DB_RESTORED' });
      expect(audited.details).toMatchObject({ keep_sessions: true });
    });
  });
});

/** What a PostgreSQL operator runs after pg_restore, on either database. */
describe('npm run cli -- sessions:revoke-all', () => {
  let database: TestDatabase;
  afterAll(() => database.drop());

  it('ends every session and OpenID sign-in; access and refresh tokens are refused at once', async () => {
    database = await createTestDatabase();
    let t = await createTestApp({ database });
    const session = await logIn(t, await createUser(t));
    await t.dataSource
      .getRepository(OidcPayload)
      .insert([providerRow('Grant', 'grant-1'), providerRow('ReplayDetection', 'jti-1')]);
    await t.close();

    const result = await cli(database.env, 'sessions:revoke-all');
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toContain('Ended 1 session(s) and 1 OpenID grant(s)');

    t = await createTestApp({ database });
    try {
      const me = await t
        .http()
        .get('/auth/me')
        .set('Authorization', `Bearer ${session.accessToken}`);
      expect(me.status).toBe(401);
      const refreshed = await t
        .http()
        .post('/auth/refresh')
        .send({ refresh_token: session.refreshToken });
      expect(refreshed.status).toBe(401);
      const kept = await t.dataSource.getRepository(OidcPayload).find();
      expect(kept.map((row) => row.model)).toEqual(['ReplayDetection']);
      const audited = await t.dataSource
        .getRepository(AuditEvent)
        .findOneByOrFail({ action: 'SESSIONS_REVOKED_ALL' });
      expect(audited.details).toMatchObject({ sessions_ended: 1, oidc_grants_ended: 1 });
    } finally {
      await t.close();
    }
  });
});
