import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A relying party's back-channel logout endpoint: records every logout_token POSTed to it. */
export class BackchannelReceiver {
  readonly tokens: string[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const token = new URLSearchParams(body).get('logout_token');
        if (token) this.tokens.push(token);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/backchannel`;
  }

  /** Waits until `count` tokens arrived (delivery runs after the revoking request has answered). */
  async received(count: number, timeoutMs = 5_000): Promise<string[]> {
    const until = Date.now() + timeoutMs;
    while (this.tokens.length < count && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 25));
    return this.tokens;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
