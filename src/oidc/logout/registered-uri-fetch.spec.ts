import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registeredUriFetch, UnregisteredUriError } from './registered-uri-fetch';

/** A tool on 127.0.0.1 — a special-use address the provider's own guard refuses. */
async function tool(answer: (path: string) => number) {
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server: Server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', headers: request.headers });
    const status = answer(request.url ?? '');
    response.writeHead(status, status === 302 ? { location: '/elsewhere' } : {}).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('registeredUriFetch', () => {
  it('reaches a registered URI on a loopback address, even with the provider’s guard dispatcher set', async () => {
    const rp = await tool(() => 204);
    try {
      const fetch = registeredUriFetch(async (href) => href === `${rp.base}/logout`);
      // A dispatcher that would refuse the connection, as the provider's guard does.
      const guard = {
        dispatch() {
          throw new Error('special-use address refused');
        },
      };
      const response = await fetch(`${rp.base}/logout`, {
        method: 'POST',
        body: 'logout_token=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        dispatcher: guard,
      } as RequestInit);
      expect(response.status).toBe(204);
      expect(rp.seen).toEqual([expect.objectContaining({ path: '/logout' }) as { path: string }]);
    } finally {
      await rp.close();
    }
  });

  it('refuses any other URL before connecting, including another path of a registered host', async () => {
    const rp = await tool(() => 204);
    try {
      const fetch = registeredUriFetch(async (href) => href === `${rp.base}/logout`);
      await expect(fetch(`${rp.base}/admin`, { method: 'POST' })).rejects.toBeInstanceOf(
        UnregisteredUriError,
      );
      await expect(fetch(new URL('http://169.254.169.254/latest/meta-data'))).rejects.toThrow(
        'outgoing request to an unregistered URI refused: http://169.254.169.254/latest/meta-data',
      );
      expect(rp.seen).toEqual([]);
    } finally {
      await rp.close();
    }
  });

  it('compares normalised URLs and never follows a redirect', async () => {
    const rp = await tool(() => 302);
    try {
      const fetch = registeredUriFetch(async (href) => href === `${rp.base}/logout`);
      const response = await fetch(`${rp.base.toUpperCase().replace('HTTP', 'http')}/logout`, {});
      expect(response.status).toBe(302);
      expect(rp.seen.map((request) => request.path)).toEqual(['/logout']);
    } finally {
      await rp.close();
    }
  });

  it('gives up on a tool that does not answer within the timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/logout`;
    try {
      const fetch = registeredUriFetch(async () => true, 100);
      await expect(fetch(url, {})).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
