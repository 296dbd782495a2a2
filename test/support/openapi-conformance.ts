import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Holds every response the e2e suite receives to the checked-in openapi.json: the status must be documented
 * for the operation, the media type must be one the operation declares, and a JSON body must validate
 * against the declared schema (problem codes included). Routes the document does not describe (test probes,
 * Swagger UI, the demo page, unknown paths) are not checked.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON document, walked by key
type Json = Record<string, any>;

const DOCUMENT_ID = 'openapi.json';

/** OpenAPI 3.0's `nullable: true` in JSON Schema terms (`type: [t, 'null']`), recursively. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'examples') out[key] = value;
    else out[key] = toJsonSchema(value);
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (out.nullable === true && Array.isArray(out.enum)) out.enum = [...out.enum, null];
  delete out.nullable;
  return out;
}

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

class Conformance {
  readonly violations: string[] = [];
  private readonly document: Json;
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    this.document = toJsonSchema(
      JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')),
    ) as Json;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.document, DOCUMENT_ID);
  }

  /** `/users/:id/sessions/:sid` → `/users/{id}/sessions/{sid}` */
  private pathOf(route: string): string {
    return route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  }

  private resolve(node: Json): [Json, string[]] {
    const ref = node.$ref as string | undefined;
    if (!ref) return [node, []];
    const parts = ref.replace('#/', '').split('/');
    return [parts.reduce((at: Json, part) => at[part] as Json, this.document), parts];
  }

  check(method: string, route: string, status: number, contentType: string, body: unknown): void {
    const path = this.pathOf(route);
    const operation = this.document.paths?.[path]?.[method.toLowerCase()] as Json | undefined;
    if (!operation) return;
    const where = `${method} ${path} → ${status}`;
    const declared = operation.responses[String(status)] ?? operation.responses.default;
    if (!declared) {
      this.violations.push(`${where}: status not documented`);
      return;
    }
    const [response, responsePointer] = this.resolve(declared as Json);
    const base = responsePointer.length
      ? responsePointer
      : ['paths', path, method.toLowerCase(), 'responses', String(status)];
    const content = response.content as Json | undefined;
    if (!content) {
      if (body !== undefined && body !== '')
        this.violations.push(`${where}: a body where none is documented`);
      return;
    }
    const media = contentType.split(';')[0].trim().toLowerCase();
    if (!content[media]) {
      this.violations.push(
        `${where}: media type ${media || '(none)'} not documented (${Object.keys(content).join(', ')})`,
      );
      return;
    }
    if (!media.endsWith('json') || typeof body !== 'string' || !content[media].schema) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      this.violations.push(`${where}: body is not JSON`);
      return;
    }
    const key = `${DOCUMENT_ID}#/${pointer(...base, 'content', media, 'schema')}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: key });
      this.validators.set(key, validate);
    }
    if (!validate(parsed)) {
      this.violations.push(
        `${where}: ${this.ajv.errorsText(validate.errors)} in ${JSON.stringify(parsed).slice(0, 300)}`,
      );
    }
  }
}

let conformance: Conformance | undefined;

/** Validates every response of this Fastify instance. Call before app.init(). */
export function checkResponsesAgainstOpenApi(fastify: FastifyInstance): void {
  conformance ??= new Conformance();
  const checker = conformance;
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && request.method !== 'HEAD' && request.method !== 'OPTIONS') {
      const text =
        typeof payload === 'string'
          ? payload
          : Buffer.isBuffer(payload)
            ? payload.toString('utf8')
            : payload === null || payload === undefined
              ? undefined
              : null; // a stream: its media type is checked, not its content
      checker.check(
        request.method,
        route,
        reply.statusCode,
        String(reply.getHeader('content-type') ?? ''),
        text === null ? undefined : text,
      );
    }
    done(null, payload);
  });
}

/** The violations seen so far, cleared: a test app fails its close() with them. */
export function takeOpenApiViolations(): string[] {
  if (!conformance) return [];
  return conformance.violations.splice(0);
}
