import type { FastifyInstance } from 'fastify';

const AUTH_PREFIX = '/auth';
/** Credentials are a few hundred bytes; 16 KiB leaves room for any honest form and bounds the rest. */
export const AUTH_BODY_LIMIT_BYTES = 16 * 1024;

function isAuthPath(path: string): boolean {
  return path === AUTH_PREFIX || path.startsWith(`${AUTH_PREFIX}/`);
}

/**
 * What every /auth/* route gets from Fastify itself, before any guard or parser runs:
 * - a 16 KiB body limit (413 from the Content-Length alone, or as soon as a streamed body passes it), so an
 *   oversized login is refused before it is parsed, let alone hashed;
 * - `Cache-Control: no-store` on every response, errors included: tokens and account answers are never
 *   kept by a browser or proxy cache.
 * Call before the routes are registered (i.e. before app.init()).
 */
export function applyAuthRouteLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (isAuthPath(route.url)) {
      route.bodyLimit = Math.min(route.bodyLimit ?? AUTH_BODY_LIMIT_BYTES, AUTH_BODY_LIMIT_BYTES);
    }
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (isAuthPath(request.url.split('?', 1)[0])) void reply.header('cache-control', 'no-store');
    done();
  });
}
