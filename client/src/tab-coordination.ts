/**
 * How the browser client's tabs coordinate: the lock manager that serialises refreshes, the channel that tells
 * other tabs about a renewal or a logout, and the storage they read each other's refresh time from, with the
 * defaults the browser provides (or a stand-in when it has none).
 */

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
  /** The Web Locks API's snapshot of held locks; used to see other tabs' renewal markers. */
  query?(): Promise<{ held?: Array<{ name?: string }> }>;
}

export interface ChannelLike {
  postMessage(message: SessionMessage): void;
  addEventListener(type: 'message', listener: (event: { data: SessionMessage }) => void): void;
  close(): void;
}

export type SessionMessage =
  { type: 'refreshed'; at: number; expiresIn: number } | { type: 'logged-out'; at: number };

const CHANNEL_NAME = 'aegis-session';

/** Runs the callback alone in this tab when the browser has no Web Locks API. */
const localLocks = (): LockManagerLike => {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    request<T>(_name: string, callback: () => Promise<T>): Promise<T> {
      const run = tail.then(callback, callback);
      tail = run.catch(() => undefined);
      return run;
    },
  };
};

export function defaultLocks(): LockManagerLike {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? localLocks();
}

export function defaultChannel(): ChannelLike | undefined {
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => ChannelLike })
    .BroadcastChannel;
  return Channel ? new Channel(CHANNEL_NAME) : undefined;
}

export function defaultStorage(): StorageLike | undefined {
  try {
    return (globalThis as { localStorage?: StorageLike }).localStorage;
  } catch {
    return undefined; // storage disabled by the browser's privacy settings
  }
}
