import fastifyCookie from '@fastify/cookie';
import type { Server } from 'node:http';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument as buildDocument } from './openapi/openapi-document';
import type { AppConfig } from './config/app-config';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import { registerCors } from './common/http/cors';
import { clientErrorHandler, frameworkErrorHandler } from './common/http/framework-errors';
import { registerJsonBodyParser } from './common/http/json-body-parser';
import { applyNoStore } from './common/http/no-store';
import { requestIdFor } from './common/http/request-id';
import { registerSecurityHeaders } from './common/http/security-headers';
import { createValidationPipe } from './common/http/validation';
import { AuthModule } from './auth/auth.module';
import { FrameworkLinesAtDebug } from './logging/framework-log-levels';
import { DEMO_PATH, serveDemo } from './common/http/demo-page';

/** Payloads are small; a large body is refused before anyone parses it (/auth/* has a tighter limit). */
const BODY_LIMIT_BYTES = 64 * 1024;

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    // X-Forwarded-For is believed only from TRUSTED_PROXIES; the client is then the right-most untrusted hop.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    genReqId: requestIdFor,
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false,
    // Errors Fastify and Node answer themselves (bad URL, 414, 431, malformed requests) are Aegis problems too.
    frameworkErrors: frameworkErrorHandler(config.env === 'production'),
    clientErrorHandler: clientErrorHandler(config.env === 'production'),
    // No Nest middleware is mounted (logging and headers are Fastify hooks): no middleware engine per request.
    skipMiddie: true,
    // Fastify's defaults (0) would switch Node's request timeout off: a trickled body would stay open forever.
    requestTimeout: config.timeouts.requestMs,
    connectionTimeout: config.timeouts.connectionMs,
    keepAliveTimeout: config.timeouts.keepAliveMs,
    // A request on a connection still open when Fastify closes is served (with `Connection: close`), not
    // refused with 503: the shutdown (health/graceful-shutdown.ts) has already stopped new connections.
    return503OnClosing: false,
  });
}

/**
 * Node checks request and header timeouts on a timer (every 30 s by default), so a 10 s limit could take 40 s
 * to bite; the check runs often enough for the configured limits. Call before listen().
 */
export function applyServerTimeouts(app: NestFastifyApplication, config: AppConfig): void {
  const server = app.getHttpServer() as Server & {
    connectionsCheckingInterval?: number;
  };
  server.headersTimeout = config.timeouts.headersMs;
  server.requestTimeout = config.timeouts.requestMs;
  server.connectionsCheckingInterval = Math.max(
    100,
    Math.min(5_000, Math.floor(Math.min(config.timeouts.headersMs, config.timeouts.requestMs) / 2)),
  );
}

export function buildOpenApiDocument(
  app: NestFastifyApplication,
  accessCookieName = AuthModule.cookieNames(false).access,
): OpenAPIObject {
  return buildDocument(app, accessCookieName);
}

/**
 * Everything main.ts and the e2e tests share: logging, plugins, security headers, CORS, request ids,
 * validation, errors, Swagger. Call before app.init() (route hooks must exist before the routes).
 */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  // JSON logs (pino, redacted) for everything Nest and the code base log from here on.
  app.useLogger(new FrameworkLinesAtDebug(app.get(Logger)));
  // What Nest logged while the application was built (main.ts buffers it) goes through that logger now.
  app.flushLogs();
  await app.register(fastifyCookie);
  registerSecurityHeaders(app, {
    production: config.env === 'production',
    docsPath: '/docs',
    pagesPath: DEMO_PATH,
  });
  const fastify = app.getHttpAdapter().getInstance();
  AuthModule.applyRouteLimits(fastify);
  // Static pages and their assets (Swagger UI, the demo) may be cached; every API response is not.
  applyNoStore(fastify, ['/docs', DEMO_PATH]);
  // Only JSON and form bodies are accepted: a text/plain body (a CORS "simple request") is refused with 415.
  fastify.removeContentTypeParser('text/plain');
  registerJsonBodyParser(app);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  await registerCors(app, config.corsOrigins);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  if (config.serveDemo) await serveDemo(app);
  applyServerTimeouts(app, config);
  if (!config.docsEnabled) return;
  SwaggerModule.setup(
    'docs',
    app,
    buildOpenApiDocument(app, AuthModule.cookieNames(config.secureCookies).access),
    {
      jsonDocumentUrl: 'docs-json',
      // No validator badge: it would send the document's URL to validator.swagger.io (and break the CSP).
      swaggerOptions: { persistAuthorization: false, validatorUrl: null },
    },
  );
}
