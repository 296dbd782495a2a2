import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { AegisProcess, ensureBuilt } from './support/aegis-process';
import { LogoutReceiver } from './support/logout-receiver';
import {
  authorizationUrl,
  client,
  exchange,
  REDIRECT_URI,
  signInWithPassword,
  type RegisteredRp,
} from './support/oidc';
import { TestBrowser } from './support/oidc-browser';
import { PrivateHost } from './support/private-host';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import './support/long-test-timeout';

const ADMIN = { username: 'bcl-admin', password: 'back-channel admin passphrase' };
/** The fields these tests read from Aegis's JSON answers. */
interface ApiBody {
  access_token?: string;
  client_id?: string;
  client_secret?: string;
  items?: Array<{ details: Record<string, string> }>;
}

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Back-channel logout from a real Aegis process (`node dist/src/main.js`, Node 24) to tools where a company has
 * them: one on a private address in a network namespace (10.200.x.2), one on 127.0.0.1. oidc-provider's own
 * outbound guard refuses both kinds of address; Aegis gives it a fetch that reaches registered URIs only.
 */
describe('Back-channel logout to tools on private and loopback addresses', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let aegis: AegisProcess;
  let host: PrivateHost;
  let privateTool: LogoutReceiver;
  let loopbackTool: LogoutReceiver;
  let wiki: RegisteredRp;
  let tracker: RegisteredRp;

  async function api(path: string, init: { method?: string; token?: string; body?: unknown }) {
    const response = await fetch(`${aegis.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.token && { authorization: `Bearer ${init.token}` }),
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as ApiBody };
  }

  async function adminToken(): Promise<string> {
    const login = await api('/auth/login', { method: 'POST', body: ADMIN });
    expect(login.status).toBe(200);
    return login.body.access_token!;
  }

  async function register(name: string, backchannelUri: string): Promise<RegisteredRp> {
    const created = await api('/oidc-clients', {
      method: 'POST',
      token: await adminToken(),
      body: { name, redirect_uris: [REDIRECT_URI], backchannel_logout_uri: backchannelUri },
    });
    expect(created.status).toBe(201);
    const config = await client.discovery(
      new URL(`${aegis.url}/oidc`),
      created.body.client_id!,
      { id_token_signed_response_alg: 'ES256' },
      client.ClientSecretBasic(created.body.client_secret),
      { execute: [client.allowInsecureRequests] },
    );
    return { clientId: created.body.client_id!, config };
  }

  /** Runs an operator command in a process of its own, as `npm run cli` does. */
  function cli(...argv: string[]): Promise<number | null> {
    const child = spawn(process.execPath, [join(__dirname, '../dist/src/cli/main.js'), ...argv], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    return new Promise((resolve) => child.on('exit', resolve));
  }

  beforeAll(async () => {
    ensureBuilt();
    host = PrivateHost.create();
    privateTool = await LogoutReceiver.start(host);
    loopbackTool = await LogoutReceiver.start();
    database = await createTestDatabase();
    env = {
      ...database.env,
      AEGIS_ENV: 'test',
      JWT_SECRET: 'backchannel-test-secret-long-enough-0123456789',
      AEGIS_ADMIN_USERNAME: ADMIN.username,
      AEGIS_ADMIN_PASSWORD: ADMIN.password,
      // The start line ("Listening on …") is logged at this level.
      LOG_LEVEL: 'log',
      ...(process.env.TEST_REDIS_URL && {
        REDIS_URL: process.env.TEST_REDIS_URL,
        REDIS_KEY_PREFIX: `aegis-e2e-bcl:${process.pid}:`,
      }),
    };
    aegis = await AegisProcess.start(env);
    wiki = await register('Wiki (private address)', privateTool.uri);
    tracker = await register('Tracker (loopback)', loopbackTool.uri);
  }, 120_000);

  afterAll(async () => {
    await aegis?.stop();
    await privateTool?.stop();
    await loopbackTool?.stop();
    host?.destroy();
    await database?.drop();
  });

  it('logout reaches both tools, the one restarting after a retry, and the audit says so per client', async () => {
    const browser = new TestBrowser();
    const { tokens } = await signInWithPassword(wiki, aegis.url, ADMIN, browser);
    // The second tool: single sign-on, no form.
    const started = await authorizationUrl(tracker);
    await exchange(tracker, started, await browser.follow(started.url, aegis.url));
    const sub = decodeJwt(tokens.id_token!).sub;

    // The loopback tool is restarting: its first delivery finds nothing listening.
    await loopbackTool.stop();
    expect(
      (await api('/auth/logout-all', { method: 'POST', token: await adminToken() })).status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await loopbackTool.listen();

    const atPrivate = await privateTool.waitFor(1, 5_000);
    const atLoopback = await loopbackTool.waitFor(1, 8_000);
    for (const { received } of [atPrivate, atLoopback]) {
      expect(received).toHaveLength(1);
      const claims = decodeJwt(received[0].token);
      expect(claims.sub).toBe(sub);
      expect(claims.events).toEqual({ [BACKCHANNEL_EVENT]: {} });
    }
    expect(decodeJwt(atPrivate.received[0].token).aud).toBe(wiki.clientId);
    expect(decodeJwt(atLoopback.received[0].token).aud).toBe(tracker.clientId);

    const until = Date.now() + 5_000;
    let row: { details: Record<string, string> } | undefined;
    while (row === undefined && Date.now() < until) {
      const page = await api('/audit/events?action=OIDC_LOGOUT', { token: await adminToken() });
      row = (page.body.items ?? []).find((event) => event.details.reason === 'aegis_session_ended');
      if (row === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(row?.details).toMatchObject({ backchannel_failed: '' });
    expect((row?.details.backchannel_notified ?? '').split(' ').sort()).toEqual(
      [wiki.clientId, tracker.clientId].sort(),
    );
  });

  it('a session ended by the CLI, another process, reaches the tool within seconds', async () => {
    const browser = new TestBrowser();
    await signInWithPassword(wiki, aegis.url, ADMIN, browser);
    const before = (await privateTool.received()).received.length;
    expect(await cli('sessions:revoke', '--username', ADMIN.username)).toBe(0);
    const ended = Date.now();
    const { received } = await privateTool.waitFor(before + 1, 5_000);
    expect(received).toHaveLength(before + 1);
    expect(received[before].at - ended).toBeLessThan(5_000);
  });

  it('wrote only JSON log lines while delivering (no warning from the provider about its guard)', () => {
    const lines = aegis.log.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });
});
