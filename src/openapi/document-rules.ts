import { STATUS_CODES } from 'node:http';
import { IS_PUBLIC } from '../common/access/public.decorator';
import type { Document, Json, Operation, Schema } from './openapi-types';
import { operationsOf, resolveSchema } from './openapi-types';
import type { RouteHandler } from './route-catalogue';

/** Tags in the order a reader needs them (signing in first), each with what it covers. */
export const TAGS: { name: string; description: string }[] = [
  {
    name: 'auth',
    description:
      'Sign in (JSON or the OAuth2 password form), refresh, sign out, the current user, password change, ' +
      "the caller's own sessions.",
  },
  {
    name: 'mfa',
    description:
      "The caller's second factors: authenticator apps (TOTP) and recovery codes; enrolment needs a recent authentication.",
  },
  {
    name: 'users',
    description:
      'User administration (admin role): accounts, sessions, lockouts, second-factor reset.',
  },
  {
    name: 'audit',
    description: 'The tamper-evident audit log (admin role): search, export, verify.',
  },
  {
    name: 'oidc-clients',
    description:
      'OpenID Connect clients of the provider at /oidc (admin role); the provider documents itself at /oidc/.well-known/openid-configuration.',
  },
  { name: 'operations', description: 'Health probes and Prometheus metrics.' },
];

/** Routes served outside Nest (the OpenID provider documents itself). */
const FOREIGN_PREFIXES = ['/oidc'];

export function dropForeignPaths(document: Document): void {
  for (const path of Object.keys(document.paths)) {
    if (FOREIGN_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
      delete document.paths[path];
    }
  }
}

/**
 * operationId is the handler's name (`login`, `listUsers`): what a generated client calls its methods. Two
 * handlers with one name would give two client methods one name, so that refuses to build.
 */
export function nameOperation(operation: Operation, route: RouteHandler, seen: Set<string>): void {
  if (seen.has(route.methodName)) {
    throw new Error(
      `Two handlers are named ${route.methodName} (one is ${route.controller.name}): ` +
        'the handler name is the operationId, give one a name that says what it does',
    );
  }
  seen.add(route.methodName);
  operation.operationId = route.methodName;
}

/** @Public() routes say so: `security: []` (or the optional scheme they already declare). */
export function markPublic(operation: Operation, route: RouteHandler): void {
  const isPublic =
    (Reflect.getMetadata(IS_PUBLIC, route.handler) as boolean | undefined) ??
    (Reflect.getMetadata(IS_PUBLIC, route.controller) as boolean | undefined);
  if (!isPublic) return;
  operation.security = operation.security?.length ? [...operation.security, {}] : [];
}

/** The global pipe refuses unknown fields, so no request body schema allows them. */
export function closeRequestBodies(document: Document): void {
  for (const [, , operation] of operationsOf(document)) {
    for (const media of Object.values(operation.requestBody?.content ?? {})) {
      const schema = resolveSchema(document, media.schema);
      if (schema && schema.type === 'object') schema.additionalProperties = false;
    }
  }
}

/** Every answer carries the server's request id; say so on every response (and give each a description). */
export function declareRequestIdHeaders(document: Document): void {
  for (const [, , operation] of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (typeof response.$ref === 'string') continue;
      if (!response.description) response.description = STATUS_CODES[status] ?? status;
      const headers = (response.headers as Json | undefined) ?? {};
      response.headers = {
        'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
        ...headers,
      };
    }
  }
}

export const HEADER_COMPONENTS: Record<string, Json> = {
  'X-Request-Id': {
    description:
      "The server's id of this request (also `request_id` in error bodies, log lines and audit rows).",
    schema: { type: 'string', format: 'uuid' },
  },
  'Retry-After': {
    description: 'Seconds until a retry can succeed.',
    schema: { type: 'integer', minimum: 1 },
  },
  'WWW-Authenticate': {
    description:
      'RFC 6750 challenge: `Bearer realm="aegis"`, with `error="invalid_token"` when a presented token was refused.',
    schema: { type: 'string' },
  },
};

/** Tags in TAGS' order; a tag without a description there refuses to build (a reader needs one). */
export function orderTags(document: Document): void {
  const used = new Set<string>();
  for (const [, , operation] of operationsOf(document)) {
    for (const tag of operation.tags ?? []) used.add(tag);
  }
  const unknown = [...used].filter((tag) => !TAGS.some((known) => known.name === tag));
  if (unknown.length > 0) {
    throw new Error(`OpenAPI tags without a description in TAGS: ${unknown.join(', ')}`);
  }
  document.tags = TAGS.filter((tag) => used.has(tag.name));
}

/**
 * Nest wraps a reference to a named enum in a one-element `allOf`; a plain `$ref` says the same (a
 * description beside it is dropped: OpenAPI 3.0 ignores siblings of `$ref`, the enum's own schema describes it).
 */
export function unwrapSingleAllOf(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(unwrapSingleAllOf);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Schema;
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && typeof (allOf[0] as Schema).$ref === 'string') {
    const keep = Object.keys(schema).filter((key) => key !== 'allOf' && key !== 'description');
    if (keep.length === 0) {
      delete schema.allOf;
      delete schema.description;
      schema.$ref = (allOf[0] as Schema).$ref;
    }
  }
  Object.values(schema).forEach(unwrapSingleAllOf);
}
