import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

type Directives = Record<string, string[]>;

/** The API serves JSON only: nothing in a response may load, run, frame or submit anything. */
const API_CSP: Directives = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * Swagger UI (served by @nestjs/swagger from this origin): its scripts are files from here (no inline script,
 * no eval); its page has inline <style> blocks and React sets style attributes, hence 'unsafe-inline' for
 * styles only; its CSS embeds data: images; "Try it out" and the OAuth2 password flow fetch this origin.
 */
const DOCS_CSP: Directives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The demo page: its own files only, no inline script or style, calls to this origin. */
const PAGE_CSP: Directives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const ONE_YEAR_SECONDS = 31_536_000;

type Headers = Record<string, string>;

/**
 * The headers helmet sets for `options`, computed once. They depend on the route (its CSP) and on the
 * environment (HSTS), never on the request, so running helmet's middleware on every request (as
 * @fastify/helmet does, rebuilding it for each request of a route with its own CSP) only burns CPU.
 */
export function helmetHeaders(options: HelmetOptions): Headers {
  const headers: Headers = {};
  const response = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: Error | undefined;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error) => {
    if (error !== undefined) failure = error instanceof Error ? error : new Error('helmet failed');
  });
  if (failure !== undefined) throw failure;
  return headers;
}

function securityHeadersWith(production: boolean, directives: Directives): Headers {
  return helmetHeaders({
    hsts: production ? { maxAge: ONE_YEAR_SECONDS, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    contentSecurityPolicy: { useDefaults: false, directives },
  });
}

/**
 * The headers of an API response: also for the answers Fastify and Node write before any hook can run (a
 * malformed URL, an oversized header block), which must look like every other answer.
 */
export function apiSecurityHeaders(production: boolean): Headers {
  return securityHeadersWith(production, API_CSP);
}

const SECURITY_HEADERS = 'aegis:securityHeaders';

/**
 * Helmet's headers on every response, 404s and 500s included (set in onRequest, before any route or error
 * handler runs): nosniff, Referrer-Policy no-referrer, no framing, HSTS in production. Routes under
 * `docsPath` get a CSP Swagger UI can live with, the demo pages theirs; everything else the strict API one.
 * Each route's set is chosen when it is registered. Call before the routes are registered.
 */
export function registerSecurityHeaders(
  app: NestFastifyApplication,
  options: { production: boolean; docsPath: string; pagesPath?: string },
): void {
  const api = apiSecurityHeaders(options.production);
  const docs = securityHeadersWith(options.production, DOCS_CSP);
  const pages = securityHeadersWith(options.production, PAGE_CSP);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    const { pagesPath, docsPath } = options;
    const headers =
      pagesPath !== undefined && route.url.startsWith(pagesPath)
        ? pages
        : route.url === docsPath || route.url.startsWith(`${docsPath}/`)
          ? docs
          : api;
    route.config = { ...route.config, [SECURITY_HEADERS]: headers };
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    // No route matched (a 404): the API's headers.
    const config = request.routeOptions.config as { [SECURITY_HEADERS]?: Headers } | undefined;
    void reply.headers(config?.[SECURITY_HEADERS] ?? api);
    done();
  });
}
