import { setTimeout as sleep } from 'node:timers/promises';
import { UnregisteredUriError } from './registered-uri-fetch';

/** How one back-channel logout to one client went. */
export type DeliveryOutcome =
  { delivered: true; attempts: number } | { delivered: false; attempts: number; error: string };

/** Waits before each retry: a tool that is restarting gets about 15 seconds to come back. */
export const RETRY_DELAYS_MS: readonly number[] = [1_000, 4_000, 10_000];

/** The status of a refused delivery (the provider attaches the response to its error), if any. */
function statusOf(error: unknown): number | undefined {
  const response = (error as { response?: { status?: unknown } } | null)?.response;
  return typeof response?.status === 'number' ? response.status : undefined;
}

/** A short reason for the audit row and the log: an HTTP status, a timeout, or the network error's code. */
export function describeFailure(error: unknown): string {
  const status = statusOf(error);
  if (status !== undefined) return `HTTP ${status}`;
  if (error instanceof UnregisteredUriError) return 'URI not registered';
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'timeout';
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Worth another try: the tool was unreachable, slow, or answered 5xx/429 (restarting, overloaded). A 4xx is its
 * considered refusal of the logout token, and an unregistered URI stays unregistered: neither is retried.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof UnregisteredUriError) return false;
  const status = statusOf(error);
  return status === undefined || status >= 500 || status === 429;
}

/**
 * Sends one logout token (`send` signs a fresh one and POSTs it) until the tool accepts it, retrying transient
 * failures after each of `delays`. `stop` ends the waiting early (the instance is shutting down): the delivery
 * then reports its last failure.
 */
export async function deliverWithRetries(
  send: () => Promise<void>,
  delays: readonly number[] = RETRY_DELAYS_MS,
  stop?: AbortSignal,
): Promise<DeliveryOutcome> {
  for (let attempts = 1; ; attempts++) {
    try {
      await send();
      return { delivered: true, attempts };
    } catch (error) {
      const last = attempts > delays.length || !isTransient(error) || stop?.aborted === true;
      if (last) return { delivered: false, attempts, error: describeFailure(error) };
      await sleep(delays[attempts - 1], undefined, { signal: stop }).catch(() => undefined);
    }
  }
}
