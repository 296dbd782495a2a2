import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from './support/test-app';

/** Raw HTTP/1.1 over a socket: what a client can send that no HTTP library would. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('end', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

function parse(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

describe('errors Fastify and Node answer themselves are Aegis problems', () => {
  let t: TestApp;
  let port: number;
  let reference: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    reference = (await t.http().get('/nowhere')).headers;
  });
  afterAll(() => t.close());

  /** The headers every Aegis answer carries, with the values of an ordinary 404. */
  const SAME_HEADERS = [
    'content-security-policy',
    'x-content-type-options',
    'x-frame-options',
    'referrer-policy',
    'cross-origin-resource-policy',
    'cache-control',
  ];

  function expectAegisProblem(
    response: { status: number; headers: Record<string, string>; body: string },
    status: number,
    code: string,
  ) {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const name of SAME_HEADERS) expect(response.headers[name]).toBe(reference[name]);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const body = JSON.parse(response.body) as Record<string, unknown>;
    expect(body).toMatchObject({ status, code, request_id: response.headers['x-request-id'] });
    return body;
  }

  it('answers a 10 KB path parameter with 414 URI_TOO_LONG, without echoing the path', async () => {
    const id = 'a'.repeat(10_000);
    const response = await t.http().get(`/users/${id}`);
    const body = expectAegisProblem(
      {
        status: response.status,
        headers: response.headers,
        body: response.text,
      },
      414,
      'URI_TOO_LONG',
    );
    expect(JSON.stringify(body)).not.toContain('aaaaaaaaaa');
  });

  it('answers a malformed percent-encoding with 400 BAD_REQUEST, without echoing it', async () => {
    const response = await t.http().get('/users/%E0%A4%A');
    expectAegisProblem(
      {
        status: response.status,
        headers: response.headers,
        body: response.text,
      },
      400,
      'BAD_REQUEST',
    );
    expect(response.text).not.toContain('%E0');
  });

  it('answers an oversized header block with 431 problem+json', async () => {
    const raw = await rawRequest(
      port,
      `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    );
    const response = parse(raw);
    expectAegisProblem(response, 431, 'REQUEST_HEADER_FIELDS_TOO_LARGE');
    expect(response.body).not.toContain('bbbb');
  });

  it('answers a malformed request line with 400 problem+json', async () => {
    const response = parse(await rawRequest(port, 'GET / HTTP/1.1\r\nHost x\r\n\r\n'));
    expectAegisProblem(response, 400, 'BAD_REQUEST');
  });
});
