import { Agent, request as httpRequest } from 'node:http';
import request from 'supertest';
import { AegisProcess, ensureBuilt } from '../support/aegis-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ADMIN = { username: 'drain-admin', password: 'drain admin passphrase' };
const CLIENTS = 8;
const DRAIN_MS = 2_000;

/** What one request ended with: a status, or the error code of a request that got no response. */
type Outcome = { status: number } | { error: string };

/** One GET on a keep-alive agent, resolved with its outcome (never rejected). */
function get(agent: Agent, port: number, path: string, token: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = httpRequest(
      { agent, host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        response.resume();
        response.once('end', () => resolve({ status: response.statusCode ?? 0 }));
        response.once('error', (error: NodeJS.ErrnoException) =>
          resolve({ error: error.code ?? error.message }),
        );
      },
    );
    req.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message }),
    );
    req.end();
  });
}

/** A client sending requests back to back on its keep-alive connection until it is refused. */
async function hammer(port: number, token: string, outcomes: Outcome[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (;;) {
      const outcome = await get(agent, port, '/auth/me', token);
      outcomes.push(outcome);
      if ('error' in outcome) return;
    }
  } finally {
    agent.destroy();
  }
}

/**
 * SIGTERM on a real process (`node dist/src/main.js`) while eight keep-alive clients send `GET /auth/me` as
 * fast as they can, as a load balancer's pooled connections would: nothing may be dropped.
 */
describe('SIGTERM under load', () => {
  let database: TestDatabase;
  let aegis: AegisProcess | undefined;

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
  }, 120_000);
  afterEach(() => aegis?.stop());
  afterAll(() => database?.drop());

  it('drains: readiness 503 at once, every request answered, then connections refused; one final log line', async () => {
    aegis = await AegisProcess.start({
      ...database.env,
      AEGIS_ENV: 'test',
      JWT_SECRET: 'drain-test-secret-long-enough-0123456789abc',
      AEGIS_ADMIN_USERNAME: ADMIN.username,
      AEGIS_ADMIN_PASSWORD: ADMIN.password,
      REDIS_URL: process.env.TEST_REDIS_URL!,
      REDIS_KEY_PREFIX: `aegis-drain:${process.pid}:`,
      SHUTDOWN_DRAIN: `${DRAIN_MS}ms`,
      LOG_LEVEL: 'log',
    });
    const login = await request(aegis.url)
      .post('/auth/login')
      .send({ ...ADMIN, client: 'api' });
    expect(login.status).toBe(200);
    const token = (login.body as { access_token: string }).access_token;

    const outcomes: Outcome[] = [];
    const clients = Array.from({ length: CLIENTS }, () => hammer(aegis!.port, token, outcomes));
    while (outcomes.length < 200) await new Promise((resolve) => setTimeout(resolve, 10));

    const signalledAt = Date.now();
    aegis.signal('SIGTERM');
    const readiness = await request(aegis.url).get('/health/ready');
    const notReadyAfterMs = Date.now() - signalledAt;
    const answeredWhenNotReady = outcomes.length;
    await Promise.all(clients);
    const exit = await aegis.exited;

    expect(readiness.status).toBe(503);
    expect(readiness.body).toMatchObject({ code: 'NOT_READY', detail: 'shutting down' });
    expect(notReadyAfterMs).toBeLessThan(DRAIN_MS);
    const errors = outcomes.flatMap((outcome) => ('error' in outcome ? [outcome.error] : []));
    const statuses = new Set(
      outcomes.flatMap((outcome) => ('status' in outcome ? [outcome.status] : [])),
    );
    // Each client ends refused at connect, once the server stopped accepting; no reset, no 5xx, no 401.
    expect(errors).toEqual(Array.from({ length: CLIENTS }, () => 'ECONNREFUSED'));
    expect([...statuses]).toEqual([200]);
    // Served on through the drain, after readiness already said 503.
    expect(outcomes.length).toBeGreaterThan(answeredWhenNotReady + 100);
    expect(exit).toEqual({ code: 0, signal: null });

    const lines = aegis.log.trim().split('\n');
    const last = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({
      context: 'Shutdown',
      msg: 'Stopped after SIGTERM with exit code 0',
      exit_code: 0,
      drain_ms: DRAIN_MS,
      connections_left_open: 0,
    });
    expect(last.requests_served_during_drain).toBeGreaterThan(100);
    expect(lines.filter((line) => line.includes('Stopped after'))).toHaveLength(1);
  });
});
