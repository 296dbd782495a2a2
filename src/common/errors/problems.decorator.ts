import type { Type } from '@nestjs/common';
import type { DomainError } from './domain-error';

const DECLARED_PROBLEMS = 'aegis:declaredProblems';

/** A problem whose body carries extension members, with the DTO (extending ProblemDetailsDto) that says which. */
export interface ExtendedProblem {
  error: DomainError;
  schema: Type;
}

/** One error a handler answers: a domain error, or one with its own body schema. */
export type DeclaredProblem = DomainError | ExtendedProblem;

/**
 * The domain errors a handler (or every handler of a controller) answers beyond those its other declarations
 * imply (authentication, roles, validation, limits). The OpenAPI document lists exactly these with their real
 * status, title and code, and the response conformance check holds the server to it.
 */
export function Problems(...problems: DeclaredProblem[]): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value as object | undefined) ?? target;
    const previous =
      (Reflect.getMetadata(DECLARED_PROBLEMS, holder) as DeclaredProblem[] | undefined) ?? [];
    Reflect.defineMetadata(DECLARED_PROBLEMS, [...previous, ...problems], holder);
  };
}

/** What @Problems() declared on the handler and on its controller. */
export function declaredProblems(handler: object, controller: object): DeclaredProblem[] {
  const of = (holder: object) =>
    (Reflect.getMetadata(DECLARED_PROBLEMS, holder) as DeclaredProblem[] | undefined) ?? [];
  return [...of(controller), ...of(handler)];
}
