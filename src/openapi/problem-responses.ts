import type { Type } from '@nestjs/common';
import {
  describeProblem,
  type ProblemDescription,
  type ProblemSource,
  type RouteFacts,
} from '../common/errors/route-problems';
import { declaredProblems } from '../common/errors/problems.decorator';
import type { Document, Json, Operation } from './openapi-types';
import type { RouteHandler } from './route-catalogue';

export const PROBLEM_SCHEMA = 'ProblemDetails';
const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** Headers of error responses, by the lower-case name the server sets. */
const HEADER_COMPONENTS: Record<string, string> = {
  'retry-after': 'Retry-After',
  'www-authenticate': 'WWW-Authenticate',
};

function factsOf(route: RouteHandler, operation: Operation): RouteFacts {
  const parameters = operation.parameters ?? [];
  return {
    method: route.method,
    controller: route.controller,
    handler: route.handler,
    hasBody: operation.requestBody !== undefined,
    hasQuery: parameters.some((parameter) => parameter.in === 'query'),
    hasPathParameters: parameters.some((parameter) => parameter.in === 'path'),
  };
}

/** The problems of one operation by status, each code once (the first description of a code wins). */
function problemsByStatus(problems: ProblemDescription[]): Map<number, ProblemDescription[]> {
  const byStatus = new Map<number, ProblemDescription[]>();
  for (const problem of problems) {
    const group = byStatus.get(problem.body.status) ?? [];
    if (!group.some((known) => known.body.code === problem.body.code)) group.push(problem);
    byStatus.set(problem.body.status, group);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

/** A problem schema whose `code` is one of `codes`. */
const withCodes = (schema: string, codes: string[]): Json => ({
  allOf: [
    ref('schemas', schema),
    { type: 'object', properties: { code: { type: 'string', enum: codes } } },
  ],
});

/** Where @ApiSchema() keeps its options (@nestjs/swagger does not export its metadata keys). */
const API_SCHEMA_METADATA = 'swagger/apiSchema';

/** The schema name Swagger gave a DTO (its last @ApiSchema name, a subclass's after its parent's). */
const schemaNameOf = (type: Type): string =>
  (Reflect.getMetadata(API_SCHEMA_METADATA, type) as { name?: string }[] | undefined)?.at(-1)
    ?.name ?? type.name;

/**
 * The body schema of a status' problems: ProblemDetails with their codes, and each problem with extension
 * members (MFA_REQUIRED's challenge) as its own alternative, so a generated client types those members.
 */
function schemaOf(problems: ProblemDescription[]): Json {
  const plain = problems.filter((problem) => problem.schema === undefined);
  const alternatives = [
    ...(plain.length > 0
      ? [
          withCodes(
            PROBLEM_SCHEMA,
            plain.map(({ body }) => body.code),
          ),
        ]
      : []),
    ...problems
      .filter((problem) => problem.schema !== undefined)
      .map(({ body, schema }) => withCodes(schemaNameOf(schema!), [body.code])),
  ];
  return alternatives.length === 1 ? alternatives[0] : { anyOf: alternatives };
}

function responseOf(problems: ProblemDescription[]): Json {
  const headerNames = new Set(problems.flatMap((problem) => problem.headers));
  const headers: Json = { 'X-Request-Id': ref('headers', 'X-Request-Id') };
  for (const [name, component] of Object.entries(HEADER_COMPONENTS)) {
    if (headerNames.has(name)) headers[component] = ref('headers', component);
  }
  return {
    description: problems.map(({ body }) => `\`${body.code}\`: ${body.title}`).join('; '),
    headers,
    content: {
      [PROBLEM_MEDIA_TYPE]: {
        schema: schemaOf(problems),
        examples: Object.fromEntries(
          problems.map(({ body }) => [body.code, { summary: body.title, value: body }]),
        ),
      },
    },
  };
}

/** SERVICE_UNAVAILABLE → ServiceUnavailable: the name of a response shared by every operation that has it. */
const componentName = (code: string) =>
  code
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/**
 * Replaces every error response of every operation with the problems the route can really answer: those its
 * declarations imply (each `sources` rule) and those its handler declares with @Problems(), with their true
 * status, title, code and headers, as application/problem+json. A response with a single code that several
 * operations share is one component (`#/components/responses/ServiceUnavailable`).
 */
export function applyProblemResponses(
  document: Document,
  operations: [Operation, RouteHandler][],
  sources: ProblemSource[],
): void {
  const shared = new Map<string, Json>();
  const uses = new Map<string, Operation[]>();
  for (const [operation, route] of operations) {
    const facts = factsOf(route, operation);
    const problems = [
      ...sources.flatMap((source) => source(facts)),
      ...declaredProblems(route.handler, route.controller).map(describeProblem),
    ];
    for (const status of Object.keys(operation.responses)) {
      if (Number(status) >= 400) delete operation.responses[status];
    }
    for (const [status, group] of problemsByStatus(problems)) {
      const response = responseOf(group);
      operation.responses[String(status)] = response;
      if (group.length === 1) {
        const name = componentName(group[0].body.code);
        shared.set(name, response);
        uses.set(name, [...(uses.get(name) ?? []), operation]);
      }
    }
  }
  const components = (document.components ??= {}) as Json;
  const responses = (components.responses as Json | undefined) ?? {};
  for (const [name, users] of uses) {
    if (users.length < 2) continue;
    const response = shared.get(name)!;
    responses[name] = response;
    for (const operation of users) {
      for (const [status, candidate] of Object.entries(operation.responses)) {
        if (candidate === response || JSON.stringify(candidate) === JSON.stringify(response)) {
          operation.responses[status] = ref('responses', name);
        }
      }
    }
  }
  components.responses = Object.fromEntries(
    Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)),
  );
}
