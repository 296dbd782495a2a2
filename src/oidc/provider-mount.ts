import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OidcProviderService } from './oidc-provider.service';

export const OIDC_MOUNT_PATH = '/oidc';

/**
 * Hands /oidc/* to the provider (a Koa app) untouched: in a Fastify scope of its own that parses no body (the
 * provider reads the stream itself), with the reply hijacked so Fastify writes nothing after it. Nest's routes,
 * guards and body parsers never see these requests; Aegis's pages under /oidc/interaction are Nest routes
 * (more specific than the wildcard). Helmet's headers are already on the raw response when the provider runs.
 */
export function mountProvider(fastify: FastifyInstance, service: OidcProviderService): void {
  const logger = new Logger('OidcProvider');
  service.useServerAddress(() => fastify.server.address());
  const handler = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    reply.raw.setHeader('x-request-id', request.id);
    service.handle(request.raw, reply.raw).catch((error: unknown) => {
      logger.error(
        `OpenID provider request failed: ${error instanceof Error ? error.message : String(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
      if (!reply.raw.headersSent) {
        reply.raw.statusCode = 503;
        reply.raw.setHeader('content-type', 'application/json');
        reply.raw.end(JSON.stringify({ error: 'server_error', request_id: request.id }));
      } else reply.raw.end();
    });
  };
  // Queued, not awaited: awaiting would load Fastify's pending plugins and routes now, before Nest installs its
  // error handler, and Nest's routes would keep Fastify's default one (raw FST_ERR_* bodies).
  void fastify.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
    scope.all(OIDC_MOUNT_PATH, handler);
    scope.all(`${OIDC_MOUNT_PATH}/*`, handler);
    done();
  });
}
