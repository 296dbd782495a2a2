import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEMO_PATH = '/demo/';

/** The project root, from src/ (ts-node, Jest) or dist/src/ (the build). */
function projectRoot(): string {
  const candidates = [resolve(__dirname, '../../..'), resolve(__dirname, '../../../..')];
  const root = candidates.find((candidate) => existsSync(join(candidate, 'demo', 'index.html')));
  if (!root) throw new Error('SERVE_DEMO=true but the demo/ folder is missing');
  return root;
}

/**
 * SERVE_DEMO=true: the demo page at /demo/ and the built browser client at /demo/client/ (static files, outside
 * the API's guards; the page talks to the API like any SPA on this origin).
 */
export async function serveDemo(app: NestFastifyApplication): Promise<void> {
  const root = projectRoot();
  const client = join(root, 'client', 'dist');
  if (!existsSync(join(client, 'aegis-client.js'))) {
    throw new Error(
      'SERVE_DEMO=true but the browser client is not built: run `npm run build:client`',
    );
  }
  await app.register(fastifyStatic, {
    root: join(root, 'demo'),
    prefix: DEMO_PATH,
    decorateReply: false,
  });
  // Typed without the slash, the address still leads to the page (relative links need the slash).
  app
    .getHttpAdapter()
    .getInstance()
    .get(DEMO_PATH.slice(0, -1), (_request, reply) => reply.redirect(DEMO_PATH, 301));
  await app.register(fastifyStatic, {
    root: client,
    prefix: `${DEMO_PATH}client/`,
    decorateReply: false,
  });
}
