import type { Configuration } from 'oidc-provider';

type ProviderFetch = NonNullable<Configuration['fetch']>;

/** How long one outgoing request may take, connection included. */
export const OUTBOUND_TIMEOUT_MS = 5_000;

/** An outgoing request to a URL no administrator registered: refused before any connection is made. */
export class UnregisteredUriError extends Error {
  constructor(readonly href: string) {
    super(`outgoing request to an unregistered URI refused: ${href}`);
    this.name = 'UnregisteredUriError';
  }
}

/**
 * The provider's `fetch`: its outgoing requests (back-channel logout tokens, a client's `jwks_uri`) reach the
 * URIs an administrator registered on a client, wherever they point, and nothing else.
 *
 * The provider's own guard refuses private, loopback and other special-use addresses — exactly where a company's
 * internal tools live — and whether it can set itself up depends on what ran in the process before (it reuses
 * the class of the global fetch dispatcher, which exists only once something used `fetch`). Registered URIs are
 * trusted configuration, so the guard is dropped for them; every other URL is refused here, so no request the
 * provider makes can be pointed somewhere else by a caller. Redirects are never followed.
 */
export function registeredUriFetch(
  isRegistered: (href: string) => Promise<boolean>,
  timeoutMs = OUTBOUND_TIMEOUT_MS,
): ProviderFetch {
  return async (input, init = {}) => {
    const href = new URL(input instanceof Request ? input.url : input).href;
    if (!(await isRegistered(href))) throw new UnregisteredUriError(href);
    const options: RequestInit & { dispatcher?: unknown } = { ...init };
    delete options.dispatcher;
    return fetch(href, { ...options, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  };
}
