import type { FastifyInstance } from 'fastify';

const AUTH_PREFIX = '/auth';
/** Credentials are a few hundred bytes; 16 KiB leaves room for any honest form and bounds the rest. */
export const AUTH_BODY_LIMIT_BYTES = 16 * 1024;

function isAuthPath(path: string): boolean {
  return path === AUTH_PREFIX || path.startsWith(`${AUTH_PREFIX}/`);
}

/**
 * What every /auth/* route gets from Fastify itself, before any guard or parser runs: a 16 KiB body limit (413
 * from the Content-Length alone, or as soon as a streamed body passes it), so an oversized login is refused
 * before it is parsed, let alone hashed. Call before the routes are registered (i.e. before app.init()).
 */
export function applyAuthRouteLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (isAuthPath(route.url)) {
      route.bodyLimit = Math.min(route.bodyLimit ?? AUTH_BODY_LIMIT_BYTES, AUTH_BODY_LIMIT_BYTES);
    }
  });
}
