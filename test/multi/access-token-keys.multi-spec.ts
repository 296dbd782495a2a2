import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import request from 'supertest';
import { PasswordHasher } from '../../src/common/crypto/password-hasher';
import { AegisProcess, ensureBuilt } from '../support/aegis-process';
import { decodeJwt } from '../support/jwt-forge';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ACTIVATION_DELAY_MS = 3_000;
const CLI = resolve(__dirname, '../../dist/src/cli/main.js');

interface Minted {
  kid: string;
  at: number;
}

/**
 * The operator's rolling rotation: two instances serve without pause while `keys:rotate` runs, each using the
 * other's fresh tokens. No JWT_SECRET anywhere: the keys come from the database alone.
 */
describe('two instances: a signing-key rotation under load', () => {
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  let a: AegisProcess;
  let b: AegisProcess;

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'aegis-keys-'));
    env = {
      ...database.env,
      AEGIS_ENV: 'test',
      DATA_DIR: dataDir,
      OIDC_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      REDIS_URL: process.env.TEST_REDIS_URL!,
      REDIS_KEY_PREFIX: `aegis-multi:${randomBytes(4).toString('hex')}:`,
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      SIGNING_KEY_POLL_INTERVAL: '500ms',
      SIGNING_KEY_ACTIVATION_DELAY: `${ACTIVATION_DELAY_MS}ms`,
    };
    a = await AegisProcess.start(env);
    b = await AegisProcess.start({ ...env, DB_MIGRATE: 'false' });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function account() {
    const db = new Client({ connectionString: database.env.DATABASE_URL });
    await db.connect();
    const password = `pass phrase ${randomBytes(6).toString('hex')}`;
    const hasher = new PasswordHasher({
      argon2: { memoryKiB: 19_456, timeCost: 2, parallelism: 1 },
    });
    const user = { id: randomUUID(), username: `user-${randomBytes(4).toString('hex')}`, password };
    await db.query(
      `INSERT INTO users (id, username, password_hash, role, is_active, must_change_password,
         password_changed_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'user', true, false, now(), now(), now())`,
      [user.id, user.username, await hasher.hash(password)],
    );
    await db.end();
    return user;
  }

  async function logIn(on: AegisProcess, user: { username: string; password: string }) {
    const response = await request(on.url)
      .post('/auth/login')
      .send({ username: user.username, password: user.password, client: 'api' });
    expect(response.status).toBe(200);
    return response.body as { access_token: string; refresh_token: string };
  }

  /** Mints on `minter` (a refresh: a fresh access token) and uses it on `user` at once, until `until()`. */
  async function relay(minter: AegisProcess, user: AegisProcess, until: () => boolean) {
    const minted: Minted[] = [];
    const refused: string[] = [];
    let { refresh_token: refreshToken } = await logIn(minter, await account());
    while (!until()) {
      const refreshed = await request(minter.url)
        .post('/auth/refresh')
        .send({ refresh_token: refreshToken });
      if (refreshed.status !== 200) {
        refused.push(`refresh ${refreshed.status} ${JSON.stringify(refreshed.body)}`);
        break;
      }
      const body = refreshed.body as { access_token: string; refresh_token: string };
      refreshToken = body.refresh_token;
      minted.push({ kid: decodeJwt(body.access_token).header.kid as string, at: Date.now() });
      const used = await request(user.url)
        .get('/auth/me')
        .set('Authorization', `Bearer ${body.access_token}`);
      if (used.status !== 200) refused.push(`me ${used.status} ${JSON.stringify(used.body)}`);
    }
    return { minted, refused };
  }

  it('never refuses a token minted by the other instance, before, during or after the activation', async () => {
    const before = await logIn(a, await account());
    const oldKid = decodeJwt(before.access_token).header.kid as string;
    let done = false;
    const relays = [relay(a, b, () => done), relay(b, a, () => done)];

    await new Promise((resolve) => setTimeout(resolve, 500));
    const rotatedAt = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'keys:rotate'], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    const newKid = /New signing keys: .*?([\w-]+)$/m.exec(stdout)![1];
    await new Promise((resolve) => setTimeout(resolve, ACTIVATION_DELAY_MS + 2_000));
    done = true;
    const results = await Promise.all(relays);

    for (const { minted, refused } of results) {
      expect(refused).toEqual([]);
      expect(minted.length).toBeGreaterThan(20);
      // Nothing signed with the new key before its activation; only the new key a poll after it.
      expect(minted.filter((token) => token.kid === newKid)[0].at).toBeGreaterThanOrEqual(
        rotatedAt + ACTIVATION_DELAY_MS - 100,
      );
      expect(new Set(minted.map((token) => token.kid))).toEqual(new Set([oldKid, newKid]));
      expect(minted.at(-1)!.kid).toBe(newKid);
    }
    // A token minted before the rotation still works on both after the activation.
    for (const instance of [a, b])
      expect(
        (
          await request(instance.url)
            .get('/auth/me')
            .set('Authorization', `Bearer ${before.access_token}`)
        ).status,
      ).toBe(200);
    for (const instance of [a, b]) {
      const published = await request(instance.url).get('/auth/jwks');
      expect(
        (published.body as { keys: { kid: string }[] }).keys.map((key) => key.kid).sort(),
      ).toEqual([oldKid, newKid].sort());
    }
  }, 60_000);
});
