import type { FastifyInstance } from 'fastify';

/**
 * `Cache-Control: no-store` on every API response, errors included: tokens, one-time passwords, users and audit
 * rows are never kept by a browser or proxy cache. Only static pages and their assets (under
 * `cacheablePrefixes`) may be cached. Decided on the matched route, not the raw URL (`/%61uth/login` routes to
 * /auth/login). Call before app.init().
 */
export function applyNoStore(fastify: FastifyInstance, cacheablePrefixes: readonly string[]): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = request.routeOptions.url ?? request.url.split('?', 1)[0];
    if (!cacheablePrefixes.some((prefix) => path.startsWith(prefix))) {
      void reply.header('cache-control', 'no-store');
    }
    done();
  });
}
