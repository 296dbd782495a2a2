import type { FastifyInstance } from 'fastify';

const AUTH_PREFIX = '/auth';
/** Credentials are a few hundred bytes; 16 KiB leaves room for any honest form and bounds the rest. */
export const AUTH_BODY_LIMIT_BYTES = 16 * 1024;

/** Static pages and their assets (Swagger UI, the demo): everything else is API and never cached. */
const CACHEABLE_PREFIXES = ['/docs', '/demo/'];

function isAuthPath(path: string): boolean {
  return path === AUTH_PREFIX || path.startsWith(`${AUTH_PREFIX}/`);
}

/**
 * What every /auth/* route gets from Fastify itself, before any guard or parser runs:
 * - a 16 KiB body limit (413 from the Content-Length alone, or as soon as a streamed body passes it), so an
 *   oversized login is refused before it is parsed, let alone hashed;
 * - `Cache-Control: no-store` on every API response (not only /auth/*), errors included: tokens, one-time
 *   passwords and account answers are never kept by a browser or proxy cache.
 * Call before the routes are registered (i.e. before app.init()).
 */
export function applyAuthRouteLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (isAuthPath(route.url)) {
      route.bodyLimit = Math.min(route.bodyLimit ?? AUTH_BODY_LIMIT_BYTES, AUTH_BODY_LIMIT_BYTES);
    }
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    // Decided on the matched route, not the raw URL (`/%61uth/login` routes to /auth/login), and for every
    // API response: tokens, one-time passwords, users and audit rows must never sit in a cache.
    const path = request.routeOptions.url ?? request.url.split('?', 1)[0];
    if (!CACHEABLE_PREFIXES.some((prefix) => path.startsWith(prefix))) {
      void reply.header('cache-control', 'no-store');
    }
    done();
  });
}
