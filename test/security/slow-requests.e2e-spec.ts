import { connect, type Socket } from 'node:net';
import { createTestApp, type TestApp } from '../support/test-app';

/** Attack: hold connections open with a body that trickles in (or never comes), until the server runs out. */
describe('security: slow requests end', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ env: { REQUEST_TIMEOUT: '2s', HEADERS_TIMEOUT: '1s' } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(() => t.close());

  /** Resolves with what the server sent and how long the socket lived once the server closed it. */
  function openSlowly(send: (socket: Socket) => void): Promise<{ ms: number; text: string }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      let text = '';
      const socket = connect(port, '127.0.0.1', () => send(socket));
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ ms: Date.now() - started, text }));
      setTimeout(() => {
        socket.destroy();
        reject(new Error('the server kept the slow request open for 15 s'));
      }, 15_000).unref();
    });
  }

  it('ends a POST whose body trickles in, within about REQUEST_TIMEOUT', async () => {
    let timer: NodeJS.Timeout | undefined;
    const result = await openSlowly((socket) => {
      socket.write(
        'POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
      );
      timer = setInterval(() => socket.writable && socket.write(' '), 200);
    });
    clearInterval(timer);
    expect(result.ms).toBeLessThan(8_000);
    expect(result.text).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('ends a request whose headers never finish, within about HEADERS_TIMEOUT', async () => {
    let timer: NodeJS.Timeout | undefined;
    const result = await openSlowly((socket) => {
      socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      timer = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
    });
    clearInterval(timer);
    expect(result.ms).toBeLessThan(6_000);
  });
});
