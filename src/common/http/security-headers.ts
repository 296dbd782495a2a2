import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

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

/**
 * Helmet on every response, 404s and 500s included (its headers are set in onRequest, before any route or
 * error handler runs): nosniff, Referrer-Policy no-referrer, no framing, no X-Powered-By, HSTS in production.
 * Routes under `docsPath` get a CSP Swagger UI can live with; everything else the strict API one.
 * Call before the docs routes are registered.
 */
export async function registerSecurityHeaders(
  app: NestFastifyApplication,
  options: { production: boolean; docsPath: string; pagesPath?: string },
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    hsts: options.production ? { maxAge: ONE_YEAR_SECONDS, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  const docs = options.docsPath;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const pages = options.pagesPath;
      if (pages !== undefined && route.url.startsWith(pages)) {
        route.config = {
          ...route.config,
          helmet: { contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP } },
        };
      } else if (route.url === docs || route.url.startsWith(`${docs}/`)) {
        route.config = {
          ...route.config,
          helmet: { contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } },
        };
      }
    });
}
