import fastify from 'fastify';

/**
 * The ceiling reference for the HTTP pipeline: a bare Fastify server (the version Aegis runs on) answering
 * the same JSON as `GET /health/live`, with nothing else in it. Prints its port on stdout once listening.
 * Usage: node bare-fastify.js
 */
async function main(): Promise<void> {
  const server = fastify({ logger: false });
  server.get('/health/live', (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return { status: 'ok', checks: {} };
  });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${new URL(address).port}\n`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

void main();
