import { createTestApp, type TestApp } from './support/test-app';

// Malformed JSON, 413, 415, forged tokens and role changes are attacked in test/security/.
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

  it('refuses a route without @Public() to anonymous callers (deny by default)', async () => {
    const response = await t.http().get('/test-probe/undecorated');
    expect(response.status).toBe(401);
    expectProblem(response.body, 401, 'UNAUTHENTICATED');
  });

  it("answers with the server's own request id, never the client's X-Request-Id", async () => {
    for (const incoming of ['trace-123.abc', 'evil\tvalue<script>']) {
      const response = await t.http().get('/nowhere').set('X-Request-Id', incoming);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.body.request_id).toBe(response.headers['x-request-id']);
    }
  });
});
