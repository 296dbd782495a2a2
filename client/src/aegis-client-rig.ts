/** A fake Aegis, tabs on a shared bus and a ticking clock, for the browser client's specs. */
import type { ChannelLike, SessionMessage, StorageLike } from './aegis-client';

export type Handler = (path: string, init: RequestInit) => Response | Promise<Response>;

/** A fake Aegis: records every request and answers through `handler`. */
export function fakeServer(handler: Handler) {
  const calls: Array<{ path: string; init: RequestInit }> = [];
  const fetch = jest.fn(async (input: string | URL, init: RequestInit = {}) => {
    const path = String(input).replace('https://id.test', '');
    calls.push({ path, init });
    return handler(path, init);
  });
  return {
    fetch: fetch as unknown as typeof globalThis.fetch,
    calls,
    count: (path: string) => calls.filter((c) => c.path === path).length,
  };
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
export const tokens = { access_token: 'opaque-to-js', token_type: 'bearer', expires_in: 900 };

/** Two tabs share one bus and one storage, as BroadcastChannel and localStorage do in a browser. */
export function sharedBus() {
  const listeners: Array<(event: { data: SessionMessage }) => void> = [];
  const values = new Map<string, string>();
  const storage: StorageLike = {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
  };
  const channel = (): ChannelLike => {
    let own: ((event: { data: SessionMessage }) => void) | undefined;
    return {
      postMessage: (data) =>
        listeners.filter((listener) => listener !== own).forEach((listener) => listener({ data })),
      addEventListener: (_type, listener) => {
        own = listener;
        listeners.push(listener);
      },
      close: () => undefined,
    };
  };
  let tail: Promise<unknown> = Promise.resolve();
  const locks = {
    request<T>(_name: string, callback: () => Promise<T>): Promise<T> {
      const run = tail.then(callback);
      tail = run.catch(() => undefined);
      return run;
    },
  };
  return { storage, channel, locks, tab: () => ({ storage, channel: channel(), locks }) };
}

/** A clock that moves 1 ms per reading, so "after" is always strictly after. */
export function ticking() {
  let t = 1_000;
  return () => ++t;
}
