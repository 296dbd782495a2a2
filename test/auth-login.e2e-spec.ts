import * as argon2 from 'argon2';
import { AuditAction } from '../src/audit/audit-action';
import { PasswordHasher } from '../src/common/crypto/password-hasher';
import { UnitOfWork } from '../src/database/unit-of-work';
import { User } from '../src/users/entities/user.entity';
import { UsersRepository } from '../src/users/users.repository';
import { createUser, type UserFixture } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { setCookiesOf } from './support/cookies';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/test-app';

describe('POST /auth/login', () => {
  let t: TestApp;
  let alice: UserFixture;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t, { username: 'Alice' });
  });
  afterAll(() => t.close());

  it('accepts the OAuth2 password form and returns a bearer token plus both HttpOnly cookies', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .type('form')
      .send({ grant_type: 'password', username: 'alice', password: alice.password, scope: '' });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 300,
    });
    const cookies = setCookiesOf(response);
    expect(cookies.aegis_token.value).toBe(response.body.access_token);
    expect(cookies.aegis_token.attributes).toMatchObject({
      httponly: true,
      samesite: 'Strict',
      path: '/',
      'max-age': '300',
    });
    expect(cookies.aegis_token.attributes.secure).toBeUndefined();
    expect(cookies.aegis_refresh.attributes).toMatchObject({
      httponly: true,
      samesite: 'Strict',
      path: '/auth',
    });
    expect(response.body.refresh_token).toBeUndefined();
  });

  it('accepts JSON, matching the username case- and width-insensitively', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .send({ username: 'ＡＬＩＣＥ', password: alice.password });
    expect(response.status).toBe(200);
  });

  it('returns the refresh token in the body only when an API client asks for it', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .send({ username: 'alice', password: alice.password, client: 'api' });
    expect(response.status).toBe(200);
    expect(response.body.refresh_token).toBe(setCookiesOf(response).aegis_refresh.value);
  });

  it('gives an unknown user and a wrong password one identical 401 body', async () => {
    const unknown = await t
      .http()
      .post('/auth/login')
      .send({ username: 'nobody-here', password: 'whatever it is' });
    const wrong = await t
      .http()
      .post('/auth/login')
      .send({ username: 'alice', password: 'not the password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const strip = ({ request_id: _id, ...rest }: Record<string, unknown>) => rest;
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(unknown.body).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(setCookiesOf(wrong)).toEqual({});
  });

  it('audits failures and successes with the username, client IP and reason', async () => {
    await t
      .http()
      .post('/auth/login')
      .set('User-Agent', 'audit-probe/1')
      .send({ username: 'ghost-user', password: 'nope nope' });
    const failed = (await auditEvents(t, { action: AuditAction.LoginFailed })).filter(
      (event) => event.details.username === 'ghost-user',
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      outcome: 'failure',
      actorUserId: null,
      ip: '127.0.0.1',
      userAgent: 'audit-probe/1',
      details: { username: 'ghost-user', reason: 'invalid_credentials' },
    });
    expect(failed[0].requestId).toEqual(expect.any(String));

    const succeeded = await auditEvents(t, {
      action: AuditAction.LoginSuccess,
      actorUserId: alice.user.id,
    });
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(succeeded[0]).toMatchObject({
      outcome: 'success',
      ip: '127.0.0.1',
      details: { username: 'alice' },
    });
  });

  it('refuses a disabled account with 403 only when the password is right, and audits it', async () => {
    const bob = await createUser(t, { isActive: false });
    const wrong = await t
      .http()
      .post('/auth/login')
      .send({ username: bob.username, password: 'wrong password!' });
    expect(wrong.status).toBe(401);
    const right = await t
      .http()
      .post('/auth/login')
      .send({ username: bob.username, password: bob.password });
    expect(right.status).toBe(403);
    expect(right.body.code).toBe('ACCOUNT_DISABLED');
    expect(setCookiesOf(right)).toEqual({});
    const events = await auditEvents(t, {
      action: AuditAction.LoginFailed,
      actorUserId: bob.user.id,
    });
    expect(events.map((event) => event.details.reason)).toEqual([
      'invalid_credentials',
      'account_disabled',
    ]);
  });

  it('runs a full argon2 verify for unknown users (a dummy hash with the same parameters)', async () => {
    const hasher = t.app.get(PasswordHasher);
    const spy = jest.spyOn(hasher, 'verify');
    try {
      await t
        .http()
        .post('/auth/login')
        .send({ username: 'no-such-user', password: 'some password' });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][0]).toBe(hasher.dummyHash);
      expect(hasher.dummyHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      // The dummy hash is a real argon2id hash: verifying it costs the same as verifying a real user's.
      expect(await spy.mock.results[0].value).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });

  it('re-hashes a stored hash with weaker parameters on successful login', async () => {
    const carol = await createUser(t);
    const weak = await argon2.hash(carol.password, {
      type: argon2.argon2id,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    });
    await t.app
      .get(UnitOfWork)
      .run(() => t.app.get(UsersRepository).update(carol.user.id, { passwordHash: weak }));

    const response = await t
      .http()
      .post('/auth/login')
      .send({ username: carol.username, password: carol.password });
    expect(response.status).toBe(200);
    const stored = await t.dataSource.getRepository(User).findOneByOrFail({ id: carol.user.id });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await argon2.verify(stored.passwordHash, carol.password)).toBe(true);
  });

  it.each([
    ['a missing password', { username: 'alice' }, ['password']],
    ['a non-string username', { username: ['alice'], password: 'x' }, ['username']],
    ['an unknown field', { username: 'alice', password: 'x', role: 'admin' }, ['role']],
  ])('rejects %s with 400 naming the field', async (_label, body, fields) => {
    const response = await t.http().post('/auth/login').send(body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(fields);
  });

  it('never returns a password hash', async () => {
    const login = await t
      .http()
      .post('/auth/login')
      .send({ username: TEST_ADMIN.username, password: TEST_ADMIN.password });
    const me = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${login.body.access_token}`);
    for (const text of [
      JSON.stringify(login.body),
      JSON.stringify(me.body),
      JSON.stringify(me.headers),
    ]) {
      expect(text).not.toMatch(/argon2|password_hash|passwordHash/);
    }
  });
});

describe('POST /auth/login rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(() => t.close());

  it('answers the sixth attempt in a minute from one IP with 429 and Retry-After, and audits it', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await t
        .http()
        .post('/auth/login')
        .send({ username: 'mallory', password: `guess ${attempt}` });
      expect(response.status).toBe(401);
    }
    const sixth = await t
      .http()
      .post('/auth/login')
      .send({ username: TEST_ADMIN.username, password: TEST_ADMIN.password });
    expect(sixth.status).toBe(429);
    expect(sixth.body.code).toBe('LOGIN_RATE_LIMITED');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(setCookiesOf(sixth)).toEqual({});
    const limited = (await auditEvents(t, { action: AuditAction.LoginFailed })).filter(
      (event) => event.details.reason === 'rate_limited',
    );
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({
      ip: '127.0.0.1',
      details: { username: TEST_ADMIN.username },
    });
  });
});
