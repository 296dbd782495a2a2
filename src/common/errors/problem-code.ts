/** The problem `code` a request was answered with, for its log line (the body itself is never logged). */
const codes = new WeakMap<object, string>();

export function rememberProblemCode(request: object, code: string): void {
  codes.set(request, code);
}

export function problemCodeOf(request: object): string | undefined {
  return codes.get(request);
}
