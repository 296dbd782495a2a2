import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { authRouteProblems } from '../auth/auth-route-problems';
import { ProblemDetailsDto } from '../common/errors/problem-details.dto';
import { httpProblems } from '../common/errors/route-problems';
import { MetricsModule } from '../metrics/metrics.module';
import {
  closeRequestBodies,
  declareRequestIdHeaders,
  dropForeignPaths,
  HEADER_COMPONENTS,
  markPublic,
  nameOperation,
  orderTags,
  unwrapSingleAllOf,
} from './document-rules';
import { operationsOf, type Operation } from './openapi-types';
import { applyOAuthTokenErrors } from './oauth-token-errors';
import { applyProblemResponses } from './problem-responses';
import { routeHandlers, routeKey, type RouteHandler } from './route-catalogue';
import { applyValidationConstraints } from './validation-constraints';

/** Rules of the layers that refuse requests before or around a handler (guards, pipes, parsers, the filter). */
const PROBLEM_SOURCES = [authRouteProblems, httpProblems];

function skeleton(accessCookieName: string): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('Aegis')
    .setDescription(
      'Identity backend of our internal tools: login, sessions with rotating refresh tokens, users and roles, a ' +
        'hash-chained audit log, second factors (TOTP with recovery codes, passkeys), and single sign-on for ' +
        'other tools as an OpenID Connect provider (at `/oidc`, described by its own discovery document, ' +
        '`/oidc/.well-known/openid-configuration`). ' +
        'Use **Authorize** with the OAuth2 password flow (or paste a bearer token) to call protected routes. ' +
        'Every error is `application/problem+json` (RFC 9457) with a stable `code`.',
    )
    .setVersion('0.1.0')
    .addServer('/', 'This Aegis instance (the one serving this document)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The access token of a login' })
    .addCookieAuth(accessCookieName)
    .addOAuth2({ type: 'oauth2', flows: { password: { tokenUrl: '/auth/login', scopes: {} } } })
    .addSecurity(MetricsModule.securityScheme, {
      type: 'http',
      scheme: 'bearer',
      description: 'The METRICS_TOKEN configured on the server (an opaque string)',
    })
    .build();
}

/** package.json says UNLICENSED: proprietary, for internal use; there is no license text to link. */
const LICENSE = { name: 'UNLICENSED (proprietary, internal use)' };

/**
 * The OpenAPI document: what Nest's decorators describe, then completed from the code itself — every error
 * a route can answer (from the guards' metadata, the pipes and @Problems()), validation rules as schema
 * keywords, closed request bodies, handler names as operationIds, `security: []` on public routes, the
 * request id header on every response.
 */
export function buildOpenApiDocument(
  app: NestFastifyApplication,
  accessCookieName: string,
): OpenAPIObject {
  const document = SwaggerModule.createDocument(app, skeleton(accessCookieName), {
    operationIdFactory: routeKey,
    extraModels: [ProblemDetailsDto],
  });
  document.info.license = LICENSE;
  dropForeignPaths(document);
  const handlers = routeHandlers(app);
  const operations: [Operation, RouteHandler][] = [];
  const names = new Set<string>();
  for (const [path, method, operation] of operationsOf(document)) {
    const route = handlers.get(operation.operationId ?? '');
    if (!route) throw new Error(`No handler found for ${method.toUpperCase()} ${path}`);
    operations.push([operation, route]);
    nameOperation(operation, route, names);
    markPublic(operation, route);
    const parameterTypes =
      (Reflect.getMetadata(
        'design:paramtypes',
        route.controller.prototype as object,
        route.methodName,
      ) as unknown[] | undefined) ?? [];
    applyValidationConstraints(document, operation, parameterTypes);
  }
  applyProblemResponses(document, operations, PROBLEM_SOURCES);
  applyOAuthTokenErrors(document, operations);
  closeRequestBodies(document);
  declareRequestIdHeaders(document);
  orderTags(document);
  unwrapSingleAllOf(document.components?.schemas);
  document.components = { ...document.components, headers: HEADER_COMPONENTS };
  return document;
}
