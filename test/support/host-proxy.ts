import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDP_HOST, RP_HOST } from './loopback-hosts';

const NAMES = new Set([IDP_HOST, RP_HOST]);

/**
 * A plain-HTTP forward proxy that sends requests for the test host names (test/support/loopback-hosts.ts) to
 * 127.0.0.1, Host header untouched: it stands in for DNS for a peer that takes a proxy but no resolver rules
 * (mod_auth_openidc's OIDCOutgoingProxy). Anything else is refused.
 */
export class HostProxy {
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((incoming, answer) => {
      let target: URL;
      try {
        target = new URL(incoming.url ?? '');
      } catch {
        answer.writeHead(400).end();
        return;
      }
      if (target.protocol !== 'http:' || !NAMES.has(target.hostname)) {
        answer.writeHead(403).end();
        return;
      }
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port: target.port || 80,
          path: `${target.pathname}${target.search}`,
          method: incoming.method,
          headers: { ...incoming.headers, host: target.host },
        },
        (response) => {
          answer.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(answer);
        },
      );
      outgoing.on('error', () => answer.writeHead(502).end());
      incoming.pipe(outgoing);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
