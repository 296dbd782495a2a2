import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { problemCodeOf } from '../common/errors/problem-code';
import { onFrameworkErrorAnswered } from '../common/http/framework-errors';
import { clientAddressOf } from '../common/http/request-meta';
import { clientRequestIdOf } from '../common/http/request-id';
import { routeTemplateOf } from '../common/http/route-template';
import { APP_LOGGER } from './app-logger';
import { runWithRequestId } from './request-context';

/** Probes poll every few seconds: their lines go to debug, so LOG_LEVEL=log is not flooded. */
const PROBE_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * The authenticated user of a request, if any: the JWT guard stores `{ user, session }` and the login guard
 * `{ user }` on `request.user`; both have `user.id`.
 */
function userIdOf(request: FastifyRequest): string | undefined {
  const id = (request as { user?: { user?: { id?: unknown } } }).user?.user?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * One JSON line per request, written when the response has been sent: method, route template, status,
 * duration, the request id (the server's, the same one as the X-Request-Id header and problem bodies), the
 * client's own X-Request-Id when it sent one, the client IP, the user when known and the problem `code` of an error answer. Deliberately no headers, query string or body: nothing secret to redact.
 */
@Injectable()
export class RequestLog implements OnModuleInit, OnModuleDestroy {
  private stopListening?: () => void;

  constructor(
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Runs at app.init(), before Fastify is ready, so the hooks apply to every route. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    // Whatever a Nest Logger writes while serving the request carries its id.
    fastify.addHook('onRequest', (request, _reply, done) => {
      runWithRequestId(request.id, done);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      this.write(request, reply);
      done();
    });
    // A malformed URL or an over-long path parameter is answered before any route hook could run.
    this.stopListening = onFrameworkErrorAnswered((request, reply) => this.write(request, reply));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  private write(request: FastifyRequest, reply: FastifyReply): void {
    const route = routeTemplateOf(request);
    const status = reply.statusCode;
    const level =
      route !== undefined && PROBE_ROUTES.has(route) ? 'debug' : status >= 500 ? 'warn' : 'info';
    if (!this.logger.isLevelEnabled(level)) return;
    this.logger[level](
      {
        request_id: request.id,
        client_request_id: clientRequestIdOf(request.headers['x-request-id']) ?? undefined,
        method: request.method,
        route: route ?? null,
        // The path only when no route matched (a 404): what was asked for, without the query string.
        ...(route === undefined && { path: request.url.split('?')[0].slice(0, 200) }),
        status,
        // The problem code of an error answer (INVALID_CREDENTIALS, CSRF_REJECTED…): why, without the body.
        code: problemCodeOf(request) ?? null,
        duration_ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: clientAddressOf(request),
        user_id: userIdOf(request) ?? null,
      },
      'request completed',
    );
  }
}
