import fastifyCors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the SPA origins in CORS_ORIGINS, by exact match only: an allowed origin is echoed with
 * `Access-Control-Allow-Credentials: true`; any other origin (`null`, a look-alike, another scheme or port)
 * gets no CORS header at all, and its preflight falls through to 404. Never `*`. `Vary: Origin` is on every
 * response, so a cache never serves one origin's answer to another.
 * Register after the security headers, so a preflight answered here still carries them.
 */
export async function registerCors(app: NestFastifyApplication, origins: string[]): Promise<void> {
  const allowed = new Set(origins);
  await app.register(fastifyCors, {
    origin: (origin, callback) =>
      callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    // A bare OPTIONS from an allowed origin is harmless; without this it would get a text/plain 400.
    strictPreflight: false,
  });
}
