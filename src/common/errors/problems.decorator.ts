import type { DomainError } from './domain-error';

const DECLARED_PROBLEMS = 'aegis:declaredProblems';

/**
 * The domain errors a handler (or every handler of a controller) answers beyond those its other declarations
 * imply (authentication, roles, validation, limits). The OpenAPI document lists exactly these with their real
 * status, title and code, and the response conformance check holds the server to it.
 */
export function Problems(...errors: DomainError[]): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value as object | undefined) ?? target;
    const previous =
      (Reflect.getMetadata(DECLARED_PROBLEMS, holder) as DomainError[] | undefined) ?? [];
    Reflect.defineMetadata(DECLARED_PROBLEMS, [...previous, ...errors], holder);
  };
}

/** What @Problems() declared on the handler and on its controller. */
export function declaredProblems(handler: object, controller: object): DomainError[] {
  const of = (holder: object) =>
    (Reflect.getMetadata(DECLARED_PROBLEMS, holder) as DomainError[] | undefined) ?? [];
  return [...of(controller), ...of(handler)];
}
