/**
 * The browser client for Aegis: cookie-based sessions with silent, shared refresh.
 *
 * - Every request is sent with credentials (the HttpOnly cookies); JavaScript never sees a token.
 * - A 401 from any route but login/refresh triggers ONE refresh for all requests that failed meanwhile;
 *   each original request is then retried once. If the refresh fails, `onSessionExpired` runs once.
 * - Tabs coordinate through the Web Locks API and a BroadcastChannel: while one tab refreshes, the others wait
 *   for it and reuse its result instead of rotating the refresh token again.
 * - A login that answers MFA_REQUIRED is completed through `onMfaRequired` (a code, or a passkey); passkey
 *   sign-in and factor enrolment are in the second-factor module (see SecondFactorApi).
 */
import { jsonInit, readJson, type TokenResponse } from './http.js';
import {
  createSecondFactor,
  type OnMfaRequired,
  type SecondFactorApi,
  type WebAuthnBrowser,
} from './second-factor.js';
import {
  defaultChannel,
  defaultLocks,
  defaultStorage,
  type ChannelLike,
  type LockManagerLike,
  type StorageLike,
} from './tab-coordination.js';

export { AegisError, type TokenResponse } from './http.js';
export type {
  EnrolledPasskey,
  Factor,
  MfaAnswer,
  MfaMethod,
  MfaPrompt,
  OnMfaRequired,
  PendingTotp,
  ReauthenticationProof,
  SecondFactorApi,
  WebAuthnBrowser,
} from './second-factor.js';
export type {
  ChannelLike,
  LockManagerLike,
  SessionMessage,
  StorageLike,
} from './tab-coordination.js';

export interface AegisClientOptions {
  /** Where Aegis is, e.g. `https://id.example.com` or `''` for the page's own origin. */
  baseUrl: string;
  /** Called once when the session cannot be renewed (the app usually redirects to its login page). */
  onSessionExpired: () => void;
  /** Refresh this many seconds before the access token expires, while the page is visible. Off when unset. */
  proactiveRefreshSeconds?: number;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Injected in tests; defaults to navigator.locks when the browser has it. */
  locks?: LockManagerLike;
  /** Injected in tests; defaults to a BroadcastChannel named `aegis-session` when available. */
  channel?: ChannelLike;
  /** Injected in tests; defaults to localStorage when available (tabs read each other's refresh time from it). */
  storage?: StorageLike;
  /** Injected in tests. */
  now?: () => number;
  /**
   * Called when a login needs a second factor: return a code, `{ method: 'webauthn' }` for the passkey
   * ceremony, or null to give up. Called again (with `previousError`) after a refused answer.
   */
  onMfaRequired?: OnMfaRequired;
  /** The @simplewebauthn/browser module, for passkeys (second factor, sign-in, enrolment). */
  webauthn?: WebAuthnBrowser;
}

export interface AegisUser {
  id: string;
  username: string;
  display_name: string | null;
  role: 'admin' | 'user';
  is_active: boolean;
  must_change_password: boolean;
  created_at: string;
}

export interface AegisClient extends SecondFactorApi {
  /** fetch() against Aegis with credentials, silent refresh and one retry. Paths are relative to baseUrl. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Completes MFA_REQUIRED through `onMfaRequired` when given; else throws AegisError MFA_REQUIRED. */
  login(username: string, password: string): Promise<TokenResponse>;
  logout(): Promise<void>;
  me(): Promise<AegisUser>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  /** Stops timers and listeners (for single-page apps that unmount the client). */
  close(): void;
}

/** Login steps answer 401 for a wrong credential: never a reason to refresh. */
const NO_REFRESH_PATHS = [
  '/auth/login',
  '/auth/refresh',
  '/auth/mfa/verify',
  '/auth/mfa/webauthn/options',
  '/auth/passkey/options',
  '/auth/passkey/login',
];
const LOCK_NAME = 'aegis-refresh';
const REFRESHED_AT_KEY = 'aegis:refreshed-at';
/**
 * After a renewal a tab holds a lock named `aegis-refreshed:<time>` until its next one. It takes that lock before
 * it releases the refresh lock, so the next tab granted the refresh lock is certain to see it: the browser's lock
 * manager is one consistent state, unlike localStorage, whose writes reach other tabs asynchronously.
 */
const MARKER_PREFIX = 'aegis-refreshed:';

function pathOf(url: string, baseUrl: string): string {
  const relative = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url;
  return relative.split('?')[0];
}

export function createAegisClient(options: AegisClientOptions): AegisClient {
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const doFetch =
    options.fetch ??
    ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const locks = options.locks ?? defaultLocks();
  const channel = options.channel ?? defaultChannel();
  const now = options.now ?? (() => Date.now());
  const storage = options.storage ?? defaultStorage();

  /** When this tab (or another, told over the channel) last obtained fresh credentials. */
  let refreshedAt = 0;
  /** When this tab's last refresh attempt was refused: requests that started earlier do not try again. */
  let refreshFailedAt = 0;
  let inFlightRefresh: Promise<boolean> | undefined;
  let expiredReported = false;
  let proactiveTimer: ReturnType<typeof setTimeout> | undefined;

  /** Includes other tabs' refreshes: read from shared storage, which is written before the lock is released. */
  const lastRefreshAt = () =>
    Math.max(refreshedAt, Number(storage?.getItem(REFRESHED_AT_KEY) ?? 0) || 0);

  const send = (path: string, init: RequestInit = {}) =>
    doFetch(`${baseUrl}${path}`, { ...init, credentials: 'include' });

  const sessionExpired = () => {
    if (expiredReported) return;
    expiredReported = true;
    clearTimeout(proactiveTimer);
    options.onSessionExpired();
  };

  const scheduleProactiveRefresh = (expiresIn: number) => {
    clearTimeout(proactiveTimer);
    const margin = options.proactiveRefreshSeconds;
    if (margin === undefined) return;
    const delayMs = Math.max(0, (expiresIn - margin) * 1000);
    proactiveTimer = setTimeout(() => {
      const doc = (globalThis as { document?: { visibilityState?: string } }).document;
      if (doc?.visibilityState === 'hidden') return; // the next 401 refreshes instead
      void refreshAfter(now());
    }, delayMs);
  };

  let releaseMarker: (() => void) | undefined;
  /** Holds the renewal marker lock for `at`, then lets go of the previous one. */
  const holdMarker = async (at: number): Promise<void> => {
    if (!locks.query) return;
    const previous = releaseMarker;
    await new Promise<void>((granted) => {
      void locks.request(`${MARKER_PREFIX}${at}`, () => {
        granted();
        return new Promise<void>((release) => (releaseMarker = release));
      });
    });
    previous?.();
  };
  /** The latest renewal any tab marked, from the lock manager (0 when the browser cannot tell). */
  const markedRefreshAt = async (): Promise<number> => {
    const state = await locks.query?.().catch(() => undefined);
    return Math.max(
      0,
      ...(state?.held ?? [])
        .map((lock) => lock.name ?? '')
        .filter((name) => name.startsWith(MARKER_PREFIX))
        .map((name) => Number(name.slice(MARKER_PREFIX.length)) || 0),
    );
  };

  const markRefreshed = (expiresIn: number) => {
    refreshedAt = now();
    storage?.setItem(REFRESHED_AT_KEY, String(refreshedAt));
    expiredReported = false;
    channel?.postMessage({ type: 'refreshed', at: refreshedAt, expiresIn });
    scheduleProactiveRefresh(expiresIn);
  };

  channel?.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'refreshed') {
      refreshedAt = Math.max(refreshedAt, message.at);
      expiredReported = false;
      scheduleProactiveRefresh(message.expiresIn);
    }
  });

  /**
   * Makes sure credentials newer than `since` exist: reuses a refresh that finished after `since` (in this tab or
   * another), joins one in flight in this tab, or performs one under the cross-tab lock. True when usable.
   */
  function refreshAfter(since: number): Promise<boolean> {
    if (lastRefreshAt() > since) return Promise.resolve(true);
    if (refreshFailedAt > since) return Promise.resolve(false);
    inFlightRefresh ??= locks
      .request(LOCK_NAME, async () => {
        // Another tab may have refreshed while this one waited for the lock.
        if (lastRefreshAt() > since || (await markedRefreshAt()) > since) return true;
        const response = await send('/auth/refresh', { method: 'POST' });
        if (!response.ok) {
          refreshFailedAt = now();
          return false;
        }
        markRefreshed(((await response.json()) as TokenResponse).expires_in);
        // Before the refresh lock is released: the next tab to get it must see this renewal.
        await holdMarker(refreshedAt);
        return true;
      })
      .catch(() => false)
      .finally(() => {
        inFlightRefresh = undefined;
      });
    return inFlightRefresh;
  }

  async function clientFetch(path: string, init: RequestInit = {}): Promise<Response> {
    const startedAt = now();
    const response = await send(path, init);
    if (response.status !== 401 || NO_REFRESH_PATHS.includes(pathOf(path, baseUrl)))
      return response;
    if (!(await refreshAfter(startedAt))) {
      sessionExpired();
      return response;
    }
    const retried = await send(path, init);
    if (retried.status === 401) sessionExpired();
    return retried;
  }

  const json = readJson;

  const signedIn = async (tokens: TokenResponse): Promise<TokenResponse> => {
    markRefreshed(tokens.expires_in);
    await holdMarker(refreshedAt);
    return tokens;
  };
  const secondFactor = createSecondFactor({
    send,
    fetch: clientFetch,
    signedIn,
    webauthn: options.webauthn,
    onMfaRequired: options.onMfaRequired,
  });

  return {
    ...secondFactor.api,
    fetch: clientFetch,
    async login(username, password) {
      return secondFactor.settleLogin(await send('/auth/login', jsonInit({ username, password })));
    },
    async logout() {
      clearTimeout(proactiveTimer);
      await json(await send('/auth/logout', { method: 'POST' }));
      channel?.postMessage({ type: 'logged-out', at: now() });
    },
    async me() {
      return json<AegisUser>(await clientFetch('/auth/me'));
    },
    async changePassword(currentPassword, newPassword) {
      await json(
        await clientFetch(
          '/auth/change-password',
          jsonInit({ current_password: currentPassword, new_password: newPassword }),
        ),
      );
    },
    close() {
      clearTimeout(proactiveTimer);
      releaseMarker?.();
      channel?.close();
    },
  };
}
