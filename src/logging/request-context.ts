import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The id of the request being served, for log lines written while serving it. A plain value in
 * AsyncLocalStorage, read only when a line is written: binding it with a pino child logger per request
 * would run pino's redaction over the bindings on every request, logged or not.
 */
const requestIds = new AsyncLocalStorage<string>();

export function runWithRequestId(requestId: string, work: () => void): void {
  requestIds.run(requestId, work);
}

export function currentRequestId(): string | undefined {
  return requestIds.getStore();
}
