import { AegisError, createAegisClient } from './aegis-client';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const tokens = { access_token: 'opaque-to-js', token_type: 'bearer', expires_in: 900 };
const MFA_REQUIRED = {
  code: 'MFA_REQUIRED',
  mfa_token: 'not-read-by-the-client',
  methods: ['totp', 'webauthn', 'recovery_code'],
  expires_in: 300,
};

type Route = (body: unknown) => Response;

/** A fake Aegis by path; records each call's path and JSON body. */
function fakeAegis(routes: Record<string, Route | Route[]>) {
  const calls: Array<{ path: string; body: unknown }> = [];
  const fetch = jest.fn((input: string | URL, init: RequestInit = {}) => {
    const path = String(input).replace('https://id.test', '');
    const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ path, body });
    const route = routes[path];
    const handler = Array.isArray(route) ? route.shift() : route;
    return Promise.resolve(handler ? handler(body) : json(404, { code: 'NOT_FOUND' }));
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

const locks = {
  request: <T>(_name: string, callback: () => Promise<T>) => callback(),
};
const storage = { getItem: () => null, setItem: () => undefined };
const channel = {
  postMessage: () => undefined,
  addEventListener: () => undefined,
  close: () => undefined,
};

function clientFor(server: ReturnType<typeof fakeAegis>, extra: object = {}) {
  return createAegisClient({
    baseUrl: 'https://id.test',
    onSessionExpired: jest.fn(),
    fetch: server.fetch,
    locks,
    storage,
    channel,
    ...extra,
  });
}

const webauthn = () => ({
  startAuthentication: jest.fn(() => Promise.resolve({ id: 'cred', type: 'public-key' })),
  startRegistration: jest.fn(() => Promise.resolve({ id: 'new-cred', type: 'public-key' })),
});

describe('second factors in the browser client', () => {
  it('asks onMfaRequired for a code, again after a wrong one, and never refreshes on those 401s', async () => {
    const server = fakeAegis({
      '/auth/login': () => json(401, MFA_REQUIRED),
      '/auth/mfa/verify': [() => json(401, { code: 'MFA_CODE_INVALID' }), () => json(200, tokens)],
    });
    const onMfaRequired = jest
      .fn()
      .mockResolvedValueOnce({ method: 'totp', code: '000000' })
      .mockResolvedValueOnce({ method: 'totp', code: '123456' });
    const client = clientFor(server, { onMfaRequired });
    expect(await client.login('alice', 'pw')).toEqual(tokens);
    expect(onMfaRequired.mock.calls).toEqual([
      [{ methods: ['totp', 'webauthn', 'recovery_code'], expiresIn: 300 }],
      [
        {
          methods: ['totp', 'webauthn', 'recovery_code'],
          expiresIn: 300,
          previousError: 'MFA_CODE_INVALID',
        },
      ],
    ]);
    expect(
      server.calls.filter((call) => call.path === '/auth/mfa/verify').map((c) => c.body),
    ).toEqual([
      { method: 'totp', code: '000000' },
      { method: 'totp', code: '123456' },
    ]);
    expect(server.calls.some((call) => call.path === '/auth/refresh')).toBe(false);
  });

  it('runs the passkey ceremony for { method: "webauthn" } with the options Aegis sent', async () => {
    const options = { challenge: 'c', allowCredentials: [{ id: 'cred', type: 'public-key' }] };
    const server = fakeAegis({
      '/auth/login': () => json(401, MFA_REQUIRED),
      '/auth/mfa/webauthn/options': () => json(200, options),
      '/auth/mfa/verify': () => json(200, tokens),
    });
    const browser = webauthn();
    const client = clientFor(server, {
      webauthn: browser,
      onMfaRequired: () => ({ method: 'webauthn' }),
    });
    await client.login('alice', 'pw');
    expect(browser.startAuthentication).toHaveBeenCalledWith({ optionsJSON: options });
    expect(server.calls.at(-1)).toEqual({
      path: '/auth/mfa/verify',
      body: { method: 'webauthn', response: { id: 'cred', type: 'public-key' } },
    });
  });

  it('throws MFA_REQUIRED without a handler, when the handler gives up, or when the challenge dies', async () => {
    const server = fakeAegis({ '/auth/login': () => json(401, MFA_REQUIRED) });
    await expect(clientFor(server).login('a', 'b')).rejects.toMatchObject({ code: 'MFA_REQUIRED' });
    await expect(
      clientFor(server, { onMfaRequired: () => null }).login('a', 'b'),
    ).rejects.toBeInstanceOf(AegisError);
    const dying = fakeAegis({
      '/auth/login': () => json(401, MFA_REQUIRED),
      '/auth/mfa/verify': () => json(401, { code: 'MFA_CHALLENGE_EXPIRED' }),
    });
    const onMfaRequired = jest.fn(() => ({ method: 'totp' as const, code: '1' }));
    await expect(clientFor(dying, { onMfaRequired }).login('a', 'b')).rejects.toMatchObject({
      code: 'MFA_CHALLENGE_EXPIRED',
    });
    expect(onMfaRequired).toHaveBeenCalledTimes(1);
  });

  it('signs in with a passkey alone and enrols one through @simplewebauthn/browser', async () => {
    const server = fakeAegis({
      '/auth/passkey/options': () => json(200, { challenge: 'p', userVerification: 'required' }),
      '/auth/passkey/login': () => json(200, tokens),
      '/auth/mfa/webauthn/registration/options': () => json(200, { challenge: 'r' }),
      '/auth/mfa/webauthn/registration': () =>
        json(201, { id: 'f', kind: 'webauthn', recovery_codes: ['A'] }),
    });
    const browser = webauthn();
    const client = clientFor(server, { webauthn: browser });
    expect(await client.signInWithPasskey()).toEqual(tokens);
    expect(browser.startAuthentication).toHaveBeenCalledWith({
      optionsJSON: { challenge: 'p', userVerification: 'required' },
    });
    expect(await client.enrolPasskey('Laptop')).toMatchObject({ recovery_codes: ['A'] });
    expect(browser.startRegistration).toHaveBeenCalledWith({ optionsJSON: { challenge: 'r' } });
    expect(server.calls.at(-1)?.body).toEqual({
      response: { id: 'new-cred', type: 'public-key' },
      label: 'Laptop',
    });
  });

  it('says what is missing when passkeys are used without the webauthn option', async () => {
    const server = fakeAegis({ '/auth/passkey/options': () => json(200, {}) });
    await expect(clientFor(server).signInWithPasskey()).rejects.toThrow(/webauthn/);
  });
});
