import fastifyHelmet from '@fastify/helmet';
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

/** Helmet's settings for API responses (the docs and the demo page only swap the CSP). */
function apiHelmetOptions(production: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    hsts: production ? { maxAge: ONE_YEAR_SECONDS, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  };
}

/**
 * The headers Helmet puts on an API response, as a plain map: for the answers Fastify writes before any hook
 * can run (a malformed URL, an oversized header block), which must look like every other answer.
 */
export function apiSecurityHeaders(production: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(apiHelmetOptions(production))(
    {} as IncomingMessage,
    collector as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error as Error;
    },
  );
  return headers;
}

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
  await app.register(fastifyHelmet, apiHelmetOptions(options.production));
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
