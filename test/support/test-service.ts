import 'reflect-metadata';
import {
  OPTIONAL_DEPS_METADATA,
  PARAMTYPES_METADATA,
  SELF_DECLARED_DEPS_METADATA,
} from '@nestjs/common/constants';
import { automock } from './automock';

/** What Nest injects by: a class, or the token named in `@Inject(token)`. */
type Token = abstract new (...args: never[]) => object;
type InjectionToken = Token | string | symbol;
type Class<T> = abstract new (...args: never[]) => T;

/** What TypeScript emits for a parameter typed by an interface, a union or a primitive: nothing to mock. */
const NOT_MOCKABLE = new Set<unknown>([
  undefined,
  Object,
  String,
  Number,
  Boolean,
  Array,
  Function,
]);

/** A dependency the spec gives itself (a fake clock, a configuration, a real collaborator). */
export interface Provided {
  token: InjectionToken;
  value: unknown;
}

/** `provide(Clock, new FrozenClock())`: the compiler checks that the value fits the token. */
export function provide<T>(token: Class<T>, value: T): Provided;
export function provide(token: string | symbol, value: unknown): Provided;
export function provide(token: InjectionToken, value: unknown): Provided {
  return { token, value };
}

export interface TestService<S extends object> {
  service: S;
  /** The double injected for `type`: an automock unless the spec provided its own. */
  double<T extends object>(type: Class<T>): jest.Mocked<T>;
}

/**
 * Builds `type` the way Nest would, from the constructor's emitted parameter types, with every dependency an
 * automock unless provided: a spec names only the doubles it configures, and a new dependency of the service
 * touches no spec. A dependency typed by an interface or a string token (no class to mock) must be provided;
 * an `@Optional()` one that is not provided is left out, as Nest leaves it out when nothing provides it.
 */
export function newTestService<S extends object>(
  type: new (...args: never[]) => S,
  ...provided: Provided[]
): TestService<S> {
  const given = new Map(provided.map((entry) => [entry.token, entry.value]));
  const injected = new Map<InjectionToken, unknown>();
  const args = tokensOf(type).map(({ token, optional }, index) => {
    if (given.has(token)) {
      injected.set(token, given.get(token));
      return given.get(token);
    }
    if (optional) return undefined;
    if (typeof token !== 'function' || NOT_MOCKABLE.has(token)) {
      throw new Error(
        `${type.name}: parameter ${index} (${String(token)}) has no class to mock: provide() it`,
      );
    }
    if (!injected.has(token)) injected.set(token, automock(token));
    return injected.get(token);
  });
  const unused = [...given.keys()].filter((token) => !injected.has(token));
  if (unused.length > 0) {
    throw new Error(`${type.name} does not depend on ${unused.map(nameOf).join(', ')}`);
  }
  return {
    service: new type(...(args as never[])),
    double: <T extends object>(dependency: Class<T>) => {
      if (!injected.has(dependency))
        throw new Error(`${type.name} does not depend on ${dependency.name}`);
      return injected.get(dependency) as jest.Mocked<T>;
    },
  };
}

function tokensOf(type: Token): { token: InjectionToken; optional: boolean }[] {
  const paramTypes = Reflect.getMetadata(PARAMTYPES_METADATA, type) as Token[] | undefined;
  if (paramTypes === undefined) {
    if (type.length === 0) return [];
    throw new Error(`${type.name} has no emitted parameter types: is it decorated @Injectable()?`);
  }
  const declared = (Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, type) ?? []) as {
    index: number;
    param: InjectionToken;
  }[];
  const optional = (Reflect.getMetadata(OPTIONAL_DEPS_METADATA, type) ?? []) as number[];
  return paramTypes.map((paramType, index) => ({
    token: declared.find((entry) => entry.index === index)?.param ?? paramType,
    optional: optional.includes(index),
  }));
}

function nameOf(token: InjectionToken): string {
  return typeof token === 'function' ? token.name : String(token);
}
