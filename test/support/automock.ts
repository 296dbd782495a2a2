/**
 * A typed double of a class for unit specs: every method on its prototype chain becomes a `jest.fn()`, so a
 * spec states only the answers it needs and the compiler checks them against the real class (no `as unknown`).
 * Plain properties (not methods) are given in `values`.
 */
export function automock<T extends object>(
  type: abstract new (...args: never[]) => T,
  values: Partial<T> = {},
): jest.Mocked<T> {
  const double: Record<string, unknown> = {};
  for (
    let proto: object | null = type.prototype as object;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (name === 'constructor' || name in double || typeof descriptor?.value !== 'function')
        continue;
      double[name] = jest.fn();
    }
  }
  return Object.assign(double, values) as unknown as jest.Mocked<T>;
}
