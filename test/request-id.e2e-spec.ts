import { AuditAction } from '../src/audit/audit-action';
import { createUser } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { createTestApp, type TestApp } from './support/test-app';

/** The audit `request_id` is the server's; a client's X-Request-Id is kept beside it, never instead of it. */
describe('request ids in the audit log', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('gives two requests with the same client X-Request-Id distinct audit request ids', async () => {
    const user = await createUser(t);
    const responses = [];
    for (let i = 0; i < 2; i++) {
      responses.push(
        await t
          .http()
          .post('/auth/login')
          .set('X-Request-Id', 'same-trace-id')
          .send({ username: user.username, password: 'wrong password here' }),
      );
    }
    const events = (await auditEvents(t, { action: AuditAction.LoginFailed })).sort(
      (a, b) => a.seq - b.seq,
    );
    expect(events).toHaveLength(2);
    expect(events[0].requestId).not.toBe(events[1].requestId);
    expect(events.map((event) => event.requestId)).toEqual(
      responses.map((response) => response.headers['x-request-id']),
    );
    for (const event of events) {
      expect(event.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(event.details.client_request_id).toBe('same-trace-id');
    }
  });

  it("keeps a client's id sanitised and capped, and none when it sent none", async () => {
    const user = await createUser(t);
    const login = (requestId?: string) => {
      const call = t.http().post('/auth/login');
      if (requestId !== undefined) call.set('X-Request-Id', requestId);
      return call.send({ username: user.username, password: user.password });
    };
    await login(`tr ace\u00e9<${'x'.repeat(300)}`);
    await login();
    const [hostile, none] = (await auditEvents(t, { action: AuditAction.LoginSuccess })).sort(
      (a, b) => a.seq - b.seq,
    );
    expect(hostile.details.client_request_id).toBe(`trace<${'x'.repeat(122)}`);
    expect(none.details).not.toHaveProperty('client_request_id');
  });
});
