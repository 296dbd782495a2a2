import { JwtService } from '@nestjs/jwt';
import { Role } from '../src/users/entities/user.entity';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { createTestApp, type TestApp } from './support/test-app';

describe('errors are problem+json and leak nothing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const expectProblem = (body: Record<string, unknown>, status: number, code: string) => {
    expect(body).toMatchObject({
      status,
      code,
      type: expect.stringMatching(/^urn:aegis:problem:/),
      title: expect.any(String),
    });
    expect(body.request_id).toEqual(expect.any(String));
  };

  it('answers an unexpected error with a bare 500: no stack, SQL, path or message', async () => {
    const response = await t.http().get('/test-probe/crash');
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expectProblem(response.body, 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(response.body)).not.toMatch(/SELECT|vault|internal\.ts|\/srv|Error/);
  });

  it('answers an unknown route with 404 problem', async () => {
    const response = await t.http().get('/nowhere');
    expect(response.status).toBe(404);
    expectProblem(response.body, 404, 'NOT_FOUND');
  });

  it('answers malformed JSON with 400 and no parser text', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"username": ');
    expect(response.status).toBe(400);
    expectProblem(response.body, 400, 'BAD_REQUEST');
    expect(JSON.stringify(response.body)).not.toMatch(/Unexpected|JSON|position/);
  });

  it('refuses a text/plain body with 415', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .set('Content-Type', 'text/plain')
      .send('username=a&password=b');
    expect(response.status).toBe(415);
    expectProblem(response.body, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses an oversized body with 413 before parsing it', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .send({ username: 'alice', password: 'x'.repeat(100 * 1024) });
    expect(response.status).toBe(413);
    expectProblem(response.body, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses a route without @Public() to anonymous callers (deny by default)', async () => {
    const response = await t.http().get('/test-probe/undecorated');
    expect(response.status).toBe(401);
    expectProblem(response.body, 401, 'UNAUTHENTICATED');
  });

  it('refuses a token signed with another key, another algorithm, or for another audience', async () => {
    const alice = await createUser(t);
    const session = await logIn(t, alice);
    const claims = JSON.parse(
      Buffer.from(session.accessToken.split('.')[1], 'base64url').toString(),
    );
    const other = new JwtService({});
    const forgeries = [
      other.sign(claims, {
        secret: 'another-secret-that-is-long-enough-000000',
        algorithm: 'HS256',
      }),
      other.sign(
        { ...claims, aud: 'someone-else' },
        { secret: 'e2e-secret-that-is-long-enough-0123456789', algorithm: 'HS256' },
      ),
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${session.accessToken.split('.')[1]}.`,
      other.sign(claims, {
        secret: 'e2e-secret-that-is-long-enough-0123456789',
        algorithm: 'HS512',
      }),
    ];
    for (const token of forgeries) {
      const response = await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('INVALID_TOKEN');
    }
  });

  it('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
    const safe = await t.http().get('/nowhere').set('X-Request-Id', 'trace-123.abc');
    expect(safe.headers['x-request-id']).toBe('trace-123.abc');
    expect(safe.body.request_id).toBe('trace-123.abc');
    const unsafe = await t.http().get('/nowhere').set('X-Request-Id', 'evil\tvalue<script>');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.body.request_id).toBe(unsafe.headers['x-request-id']);
  });
});

describe('roles come from the database, not the token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lets an admin through an admin route and refuses a user with 403', async () => {
    const admin = await createUser(t, { role: Role.Admin });
    const user = await createUser(t);
    const adminSession = await logIn(t, admin);
    const userSession = await logIn(t, user);
    expect(
      (
        await t
          .http()
          .get('/test-probe/admin')
          .set('Authorization', `Bearer ${adminSession.accessToken}`)
      ).status,
    ).toBe(200);
    const denied = await t
      .http()
      .get('/test-probe/admin')
      .set('Authorization', `Bearer ${userSession.accessToken}`);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('INSUFFICIENT_ROLE');

    // Demote the admin in the database: the very next request with the same token is refused.
    await t.dataSource.query(`UPDATE users SET role = 'user' WHERE id = '${admin.user.id}'`);
    expect(
      (
        await t
          .http()
          .get('/test-probe/admin')
          .set('Authorization', `Bearer ${adminSession.accessToken}`)
      ).status,
    ).toBe(403);
  });

  it('refuses the next request of a user disabled in the database', async () => {
    const user = await createUser(t);
    const session = await logIn(t, user);
    await t.dataSource.query(`UPDATE users SET is_active = false WHERE id = '${user.user.id}'`);
    const response = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${session.accessToken}`);
    expect(response.status).toBe(401);
  });
});
