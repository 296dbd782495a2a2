import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuditAction } from '../../src/audit/audit-action';
import { LoginLockout } from '../../src/auth/lockout/login-lockout.entity';
import { PasswordHasher } from '../../src/common/crypto/password-hasher';
import { User } from '../../src/users/entities/user.entity';
import { logIn } from '../factories/session.factory';
import { createUser, type UserFixture } from '../factories/user.factory';
import { auditEvents } from '../support/audit';
import { LogCapture } from '../support/log-capture';
import {
  comparableBody,
  expectNoTokenIssued,
  expectProblem,
  loadUser,
  STACK_TRACE,
} from '../support/security';
import { createTestApp, TEST_ADMIN, type TestApp } from '../support/test-app';

const KiB = 1024;

/** Attack: exhaust CPU or memory with huge inputs, or smuggle meaning through malformed ones. */
describe('security: input limits and hostile input', () => {
  let t: TestApp;
  let alice: UserFixture;
  let hasher: PasswordHasher;
  let verify: jest.SpyInstance;
  let hash: jest.SpyInstance;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t);
    hasher = t.app.get(PasswordHasher);
  });
  beforeEach(() => {
    verify = jest.spyOn(hasher, 'verify');
    hash = jest.spyOn(hasher, 'hash');
  });
  afterEach(() => {
    verify.mockRestore();
    hash.mockRestore();
  });
  afterAll(() => t.close());

  const expectNoHashing = () => {
    expect(verify).not.toHaveBeenCalled();
    expect(hash).not.toHaveBeenCalled();
  };
  const lockoutRows = () => t.dataSource.getRepository(LoginLockout).count();

  it('refuses a 1 MiB login body with 413 from its length alone: not parsed, nothing hashed or counted', async () => {
    const attemptsBefore = await lockoutRows();
    // Not even valid JSON: had it been parsed, the answer would have been 400.
    const response = await t
      .http()
      .post('/auth/login')
      .set('Content-Type', 'application/json')
      .send(`{"username": "alice", "password": "${'x'.repeat(KiB * KiB)}`);
    expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    expectNoTokenIssued(t, response);
    expectNoHashing();
    expect(await lockoutRows()).toBe(attemptsBefore);
    expect(await auditEvents(t, { action: AuditAction.LoginFailed })).toHaveLength(0);
  });

  it('holds /auth/* to 16 KiB while other routes keep the global 64 KiB limit', async () => {
    const body = { username: 'alice', password: 'x'.repeat(17 * KiB) };
    expectProblem(await t.http().post('/auth/login').send(body), 413, 'PAYLOAD_TOO_LARGE');
    expectProblem(await t.http().post('/auth/refresh').send(body), 413, 'PAYLOAD_TOO_LARGE');
    const session = await logIn(t, alice);
    const elsewhere = await t
      .http()
      .post('/test-probe/write')
      .set('Authorization', `Bearer ${session.accessToken}`)
      .send({ filler: 'x'.repeat(17 * KiB) });
    expect(elsewhere.status).toBe(200);
  });

  it('cuts off a streamed (chunked) body over 16 KiB that announced no length', async () => {
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/auth/login',
            headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        request.write('{"username":"alice","password":"');
        for (let i = 0; i < 20; i++) request.write('x'.repeat(KiB));
        request.end('"}');
      });
      expect(status).toBe(413);
      expectNoHashing();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a login password over 128 code points with 400 before hashing, uncounted', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .send({ username: alice.username, password: 'x'.repeat(129) });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(response.body.errors).toEqual([
      { field: 'password', messages: ['password must be at most 128 characters'] },
    ]);
    expectNoHashing();
    expect(await t.dataSource.getRepository(LoginLockout).count()).toBe(0);
  });

  it('counts code points, not UTF-16 units: 128 emoji are a password like any other', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .send({ username: alice.username, password: '😀'.repeat(128) });
    expectProblem(response, 401, 'INVALID_CREDENTIALS');
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('refuses over-long passwords at change-password before hashing', async () => {
    const session = await logIn(t, alice);
    verify.mockClear();
    hash.mockClear();
    const change = (body: object) =>
      t
        .http()
        .post('/auth/change-password')
        .set('Authorization', `Bearer ${session.accessToken}`)
        .send(body);
    expectProblem(
      await change({ current_password: 'x'.repeat(129), new_password: 'a brand new passphrase' }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await change({ current_password: alice.password, new_password: 'y'.repeat(129) }),
      400,
      'PASSWORD_TOO_LONG',
    );
    expectNoHashing();
    expect((await loadUser(t, alice.user.id)).passwordHash).toBe(alice.user.passwordHash);
  });

  it('answers malformed JSON with 400 and no parser text', async () => {
    for (const body of ['{"username": ', '{"username": "a", }', '\u0000', '[1,2']) {
      const response = await t
        .http()
        .post('/auth/login')
        .set('Content-Type', 'application/json')
        .send(body);
      expectProblem(response, 400, 'BAD_REQUEST');
      expect(response.text).not.toMatch(/Unexpected|JSON|position|token|SyntaxError/);
    }
    expectNoHashing();
  });

  it('refuses unknown fields (no mass assignment) and non-string credentials with 400', async () => {
    const extra = await t
      .http()
      .post('/auth/login')
      .send({ username: alice.username, password: alice.password, role: 'admin' });
    expectProblem(extra, 400, 'VALIDATION_FAILED');
    expectNoTokenIssued(t, extra);
    for (const username of [{ $ne: null }, ['admin'], 42]) {
      expectProblem(
        await t.http().post('/auth/login').send({ username, password: 'x' }),
        400,
        'VALIDATION_FAILED',
      );
    }
    expectNoHashing();
  });

  it('answers SQL-looking usernames with the generic 401 and leaves the database intact', async () => {
    const usersBefore = await t.dataSource.getRepository(User).count();
    const plain = await t
      .http()
      .post('/auth/login')
      .send({ username: 'nobody-plain', password: 'whatever it is' });
    for (const username of [
      "admin' OR '1'='1",
      "' OR 1=1 --",
      `${TEST_ADMIN.username}'--`,
      "x'; DROP TABLE users; --",
      '" OR ""="',
      "root-admin' UNION SELECT password_hash FROM users --",
    ]) {
      const response = await t
        .http()
        .post('/auth/login')
        .send({ username, password: 'whatever it is' });
      expectProblem(response, 401, 'INVALID_CREDENTIALS');
      expect(comparableBody(response)).toEqual(comparableBody(plain));
      expectNoTokenIssued(t, response);
    }
    expect(await t.dataSource.getRepository(User).count()).toBe(usersBefore);
    expect((await t.http().post('/auth/login').send(TEST_ADMIN)).status).toBe(200);
  });
});

/** Attack: deeply nested JSON to a public, unthrottled route, to crash the validator and fill the log. */
describe('security: nesting depth of JSON bodies', () => {
  const logs = new LogCapture();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ override: logs.override(), env: { LOG_LEVEL: 'log' } });
  });
  afterAll(() => t.close());

  it.each(['/auth/logout', '/auth/refresh', '/auth/login'])(
    'answers 5,000 nested arrays to %s with 400 JSON_TOO_DEEP and logs nothing at error level',
    async (path) => {
      const body = '['.repeat(5_000) + ']'.repeat(5_000);
      const response = await t.http().post(path).set('Content-Type', 'application/json').send(body);
      expectProblem(response, 400, 'JSON_TOO_DEEP');
      expect(logs.records().filter((record) => record.level === 'error')).toEqual([]);
      expect(logs.text).not.toMatch(STACK_TRACE);
    },
  );

  it('still accepts ordinary nesting', async () => {
    const response = await t
      .http()
      .post('/auth/logout')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ refresh_token: 'x' }));
    expect(response.status).toBe(200);
  });
});
