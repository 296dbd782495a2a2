// A tool's back-channel logout endpoint as a process of its own, so that it can run inside a network namespace
// (a private address): `node logout-receiver.server.mts` with RECEIVER_HOST, RECEIVER_PORT (0: any). Prints one
// JSON line with its port once listening. POST /backchannel records a logout_token; GET /received lists them
// with the number of delivery attempts seen. Node runs this file as is (its types are erasable).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const received: Array<{ token: string; at: number }> = [];
let attempts = 0;

const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    if (request.method === 'GET' && request.url === '/received') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ attempts, received }));
      return;
    }
    if (request.method !== 'POST' || request.url !== '/backchannel') {
      response.writeHead(404).end();
      return;
    }
    attempts += 1;
    const token = new URLSearchParams(body).get('logout_token');
    if (!token) {
      response.writeHead(400).end();
      return;
    }
    received.push({ token, at: Date.now() });
    response.writeHead(200).end();
  });
});

server.listen(
  Number(process.env.RECEIVER_PORT ?? '0'),
  process.env.RECEIVER_HOST ?? '127.0.0.1',
  () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
