import { createAegisClient } from './aegis-client';
import { fakeServer, json, sharedBus, ticking, tokens } from './aegis-client-rig';

describe('createAegisClient', () => {
  it('sends credentials with every request and never touches a token', async () => {
    const server = fakeServer(() => json(200, { id: 'u1' }));
    const client = createAegisClient({
      baseUrl: 'https://id.test',
      onSessionExpired: jest.fn(),
      fetch: server.fetch,
      ...sharedBus().tab(),
    });
    await client.me();
    expect(server.calls[0].init.credentials).toBe('include');
    expect(JSON.stringify(server.calls[0].init)).not.toMatch(/authorization|opaque/i);
  });

  it('shares one refresh among parallel requests that got 401, then retries each once', async () => {
    let fresh = false;
    const server = fakeServer((path) => {
      if (path === '/auth/refresh') {
        fresh = true;
        return json(200, tokens);
      }
      return fresh ? json(200, { ok: path }) : json(401, { code: 'TOKEN_EXPIRED' });
    });
    const onSessionExpired = jest.fn();
    const client = createAegisClient({
      baseUrl: 'https://id.test',
      onSessionExpired,
      fetch: server.fetch,
      now: ticking(),
      ...sharedBus().tab(),
    });

    const responses = await Promise.all([1, 2, 3, 4, 5].map((n) => client.fetch(`/api/${n}`)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(server.count('/auth/refresh')).toBe(1);
    for (const n of [1, 2, 3, 4, 5]) expect(server.count(`/api/${n}`)).toBe(2);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('calls onSessionExpired once when the refresh fails, without retrying or looping', async () => {
    const server = fakeServer(() => json(401, { code: 'SESSION_ENDED' }));
    const onSessionExpired = jest.fn();
    const client = createAegisClient({
      baseUrl: 'https://id.test',
      onSessionExpired,
      fetch: server.fetch,
      now: ticking(),
      ...sharedBus().tab(),
    });

    const responses = await Promise.all([
      client.fetch('/a'),
      client.fetch('/b'),
      client.fetch('/c'),
    ]);
    expect(responses.every((response) => response.status === 401)).toBe(true);
    expect(server.count('/auth/refresh')).toBe(1);
    expect(server.count('/a')).toBe(1);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);

    await client.fetch('/d');
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('retries only once: a second 401 after a good refresh ends the session instead of looping', async () => {
    const server = fakeServer((path) =>
      path === '/auth/refresh' ? json(200, tokens) : json(401, {}),
    );
    const onSessionExpired = jest.fn();
    const client = createAegisClient({
      baseUrl: 'https://id.test',
      onSessionExpired,
      fetch: server.fetch,
      now: ticking(),
      ...sharedBus().tab(),
    });
    const response = await client.fetch('/a');
    expect(response.status).toBe(401);
    expect(server.count('/a')).toBe(2);
    expect(server.count('/auth/refresh')).toBe(1);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it.each(['/auth/login', '/auth/refresh', '/auth/login?next=1'])(
    'never refreshes on a 401 from %s',
    async (path) => {
      const server = fakeServer(() => json(401, { code: 'INVALID_CREDENTIALS' }));
      const onSessionExpired = jest.fn();
      const client = createAegisClient({
        baseUrl: 'https://id.test',
        onSessionExpired,
        fetch: server.fetch,
        ...sharedBus().tab(),
      });
      expect((await client.fetch(path, { method: 'POST' })).status).toBe(401);
      expect(server.calls).toHaveLength(1);
      expect(onSessionExpired).not.toHaveBeenCalled();
    },
  );

  it('login failure throws the problem code and does not trigger a refresh', async () => {
    const server = fakeServer(() => json(401, { code: 'INVALID_CREDENTIALS' }));
    const client = createAegisClient({
      baseUrl: 'https://id.test',
      onSessionExpired: jest.fn(),
      fetch: server.fetch,
      ...sharedBus().tab(),
    });
    await expect(client.login('alice', 'wrong')).rejects.toMatchObject({
      status: 401,
      code: 'INVALID_CREDENTIALS',
    });
    expect(server.count('/auth/refresh')).toBe(0);
  });

  it('refreshes proactively before the access token expires, when asked to', async () => {
    jest.useFakeTimers();
    try {
      const server = fakeServer((path) =>
        path === '/auth/login' || path === '/auth/refresh' ? json(200, tokens) : json(200, {}),
      );
      const client = createAegisClient({
        baseUrl: 'https://id.test',
        onSessionExpired: jest.fn(),
        fetch: server.fetch,
        proactiveRefreshSeconds: 60,
        ...sharedBus().tab(),
      });
      await client.login('alice', 'a long passphrase');
      await jest.advanceTimersByTimeAsync(839_000);
      expect(server.count('/auth/refresh')).toBe(0);
      await jest.advanceTimersByTimeAsync(2_000);
      expect(server.count('/auth/refresh')).toBe(1);
      client.close();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('a refused refresh', () => {
  it('is not retried by requests that were already in flight when it was refused', async () => {
    let release!: () => void;
    const slow = new Promise<void>((done) => (release = done));
    const server = fakeServer(async (path) => {
      if (path === '/slow') await slow;
      return json(401, { code: 'SESSION_ENDED' });
    });
    const onSessionExpired = jest.fn();
    const client = createAegisClient({
      baseUrl: 'https://id.test',
      onSessionExpired,
      fetch: server.fetch,
      now: ticking(),
      ...sharedBus().tab(),
    });
    const late = client.fetch('/slow');
    await client.fetch('/fast');
    release();
    await late;
    expect(server.count('/auth/refresh')).toBe(1);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });
});
