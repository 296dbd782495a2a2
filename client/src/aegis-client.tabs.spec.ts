import { createAegisClient } from './aegis-client';
import { fakeServer, json, sharedBus, ticking, tokens } from './aegis-client-rig';

describe('createAegisClient', () => {
  it('lets two tabs share one refresh: the second tab reuses the first one’s instead of rotating again', async () => {
    const bus = sharedBus();
    const clock = ticking();
    let fresh = false;
    const server = fakeServer((path) => {
      if (path === '/auth/refresh') {
        fresh = true;
        return json(200, tokens);
      }
      return fresh ? json(200, {}) : json(401, { code: 'TOKEN_EXPIRED' });
    });
    const tab = () =>
      createAegisClient({
        baseUrl: 'https://id.test',
        onSessionExpired: jest.fn(),
        fetch: server.fetch,
        now: clock,
        locks: bus.locks,
        channel: bus.channel(),
        storage: bus.storage,
      });
    const [first, second] = [tab(), tab()];
    const responses = await Promise.all([first.fetch('/a'), second.fetch('/b')]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(server.count('/auth/refresh')).toBe(1);
  });
});

describe('tabs that share only the lock manager (storage and messages never arrive in time)', () => {
  it('still rotate once: the renewal marker lock is visible to the next tab', async () => {
    const held = new Set<string>();
    const queues = new Map<string, Promise<unknown>>();
    const locks = {
      request<T>(name: string, callback: () => Promise<T>): Promise<T> {
        const run = (queues.get(name) ?? Promise.resolve()).then(async () => {
          held.add(name);
          try {
            return await callback();
          } finally {
            held.delete(name);
          }
        });
        queues.set(
          name,
          run.catch(() => undefined),
        );
        return run;
      },
      query: () => Promise.resolve({ held: [...held].map((name) => ({ name })) }),
    };
    const clock = ticking();
    let fresh = false;
    const server = fakeServer((path) => {
      if (path === '/auth/refresh') {
        fresh = true;
        return json(200, tokens);
      }
      return fresh ? json(200, {}) : json(401, { code: 'TOKEN_EXPIRED' });
    });
    const isolatedTab = () =>
      createAegisClient({
        baseUrl: 'https://id.test',
        onSessionExpired: jest.fn(),
        fetch: server.fetch,
        now: clock,
        locks,
        channel: sharedBus().channel(),
        storage: sharedBus().storage,
      });
    const [first, second] = [isolatedTab(), isolatedTab()];
    const responses = await Promise.all([first.fetch('/a'), second.fetch('/b')]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(server.count('/auth/refresh')).toBe(1);
    first.close();
    second.close();
  });
});
