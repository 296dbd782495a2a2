import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/run-cli';
import { createUser } from './factories/user.factory';
import { createTestApp, type TestApp } from './support/test-app';
import { usingPostgres } from './support/test-database';

async function cli(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { ...env, JWT_SECRET: 'cli-secret-that-is-long-enough-0123456789', LOG_LEVEL: 'error' },
    {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run cli -- db:backup', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await createTestApp();
    dir = mkdtempSync(join(tmpdir(), 'aegis-backup-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  (usingPostgres() ? it : it.skip)('refuses on PostgreSQL, pointing at pg_dump', async () => {
    const result = await cli(t.database.env, 'db:backup', '--to', join(dir, 'x.sqlite'));
    expect(result.code).toBe(2);
    expect(result.err).toContain('pg_dump');
  });

  (usingPostgres() ? it.skip : it)(
    'copies the live database (0600, never over an existing file), and the copy restores',
    async () => {
      const { username, password } = await createUser(t);
      const target = join(dir, 'aegis-backup.sqlite');
      // The service keeps running (and writing) while the CLI copies.
      const result = await cli(t.database.env, 'db:backup', '--to', target);
      expect(result).toMatchObject({ code: 0, out: `Backed up to ${target}` });
      expect(statSync(target).mode & 0o777).toBe(0o600);
      expect((await cli(t.database.env, 'db:backup', '--to', target)).code).toBe(2);
      const later = await createUser(t);

      // Restore: start the service on the copy.
      // With the encryption key of the signing keys the copy holds, as a real restore must keep it.
      const encryptionKey = t.config.oidc.encryptionKey.toString('base64');
      await t.close();
      t = await createTestApp({
        env: { SQLITE_PATH: target, DATA_DIR: dir, OIDC_ENCRYPTION_KEY: encryptionKey },
      });
      const login = await t.http().post('/auth/login').send({ username, password });
      expect(login.status).toBe(200);
      const missing = await t
        .http()
        .post('/auth/login')
        .send({ username: later.username, password: later.password });
      expect(missing.status).toBe(401);
    },
  );
});
