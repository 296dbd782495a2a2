import type { Type } from '@nestjs/common';
import { DomainError, ValidationError } from './domain-error';
import { MAX_JSON_DEPTH } from '../http/json-body-parser';
import { toValidationError } from '../http/validation';
import type { DeclaredProblem } from './problems.decorator';
import {
  frameworkProblem,
  internalErrorProblem,
  problemBodyOf,
  problemHeadersOf,
  serviceUnavailableProblem,
  type ProblemDetails,
} from './problem-details';

/** The request id the document's examples show (a real one is a random UUID per request). */
export const EXAMPLE_REQUEST_ID = '0b6a4c1e-8f3d-4a5b-9c2e-7d1f0a9b8c3d';

/** One error answer an operation can give: its body as the client reads it, and the headers it carries. */
export interface ProblemDescription {
  body: ProblemDetails;
  headers: string[];
  /** The DTO of a body with extension members (else the plain ProblemDetails). */
  schema?: Type;
}

/** What the document knows about a route when it asks which errors the route can answer. */
export interface RouteFacts {
  method: string;
  controller: Type;
  handler: object;
  hasBody: boolean;
  hasQuery: boolean;
  hasPathParameters: boolean;
}

/** A rule "routes declared like this can answer these errors" (each layer that refuses requests has one). */
export type ProblemSource = (route: RouteFacts) => ProblemDescription[];

export function describeProblem(problem: DeclaredProblem): ProblemDescription {
  const [error, schema] =
    problem instanceof DomainError ? [problem, undefined] : [problem.error, problem.schema];
  return {
    body: problemBodyOf(error, EXAMPLE_REQUEST_ID),
    headers: Object.keys(problemHeadersOf(error)),
    ...(schema !== undefined && { schema }),
  };
}

function framework(status: number): ProblemDescription {
  const body = frameworkProblem(status, EXAMPLE_REQUEST_ID);
  if (body === undefined) throw new Error(`No generic problem for status ${status}`);
  return { body, headers: [] };
}

/** A metadata value set on the handler, else on its controller (as Reflector.getAllAndOverride reads it). */
export function routeMetadata<T>(route: RouteFacts, key: string): T | undefined {
  return (
    (Reflect.getMetadata(key, route.handler) as T | undefined) ??
    (Reflect.getMetadata(key, route.controller) as T | undefined)
  );
}

/** What the validation pipe answers for a refused field (the same builder it uses). */
function invalidFieldsExample(): DomainError {
  return toValidationError([
    { property: 'username', constraints: { isString: 'username must be a string' }, children: [] },
  ]);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * What the HTTP layer answers on any route: malformed or oversized bodies and wrong media types where a body
 * can be sent, refused fields and ids where the route validates input, a malformed or over-long path, an
 * outage (503 with Retry-After) and a bug (a bare 500).
 */
export const httpProblems: ProblemSource = (route) => {
  const problems: ProblemDescription[] = [];
  if (!SAFE_METHODS.has(route.method)) {
    problems.push(
      framework(400),
      framework(413),
      framework(415),
      describeProblem(
        new ValidationError(
          `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
          undefined,
          'JSON_TOO_DEEP',
        ),
      ),
    );
  }
  if (route.hasPathParameters) problems.push(framework(400), framework(414));
  if (route.hasBody || route.hasQuery || route.hasPathParameters) {
    problems.push(describeProblem(invalidFieldsExample()));
  }
  problems.push(
    { body: serviceUnavailableProblem(EXAMPLE_REQUEST_ID), headers: ['retry-after'] },
    { body: internalErrorProblem(EXAMPLE_REQUEST_ID), headers: [] },
  );
  return problems;
};
