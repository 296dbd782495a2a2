import { DataSource } from 'typeorm';
import { AuditAction } from '../src/audit/audit-action';
import { AuditEvent } from '../src/audit/entities/audit-event.entity';
import { loadDatabaseConfig } from '../src/config/app-config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { AegisProcess, ensureBuilt } from './support/aegis-process';
import { HeldRequest, refusesConnections } from './support/held-request';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const lastLineOf = (log: string) =>
  JSON.parse(log.trim().split('\n').at(-1)!) as Record<string, unknown>;

const ADMIN = { username: 'shutdown-admin', password: 'shutdown admin passphrase' };

/** SIGTERM on a real process (`node dist/src/main.js`), on the database under test (and Redis when set). */
describe('SIGTERM', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let aegis: AegisProcess | undefined;

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    env = {
      ...database.env,
      AEGIS_ENV: 'test',
      JWT_SECRET: 'shutdown-test-secret-long-enough-0123456789',
      AEGIS_ADMIN_USERNAME: ADMIN.username,
      AEGIS_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'log',
      ...(process.env.TEST_REDIS_URL && {
        REDIS_URL: process.env.TEST_REDIS_URL,
        REDIS_KEY_PREFIX: `aegis-e2e-shutdown:${process.pid}:`,
      }),
    };
  }, 120_000);
  afterEach(async () => {
    await aegis?.stop();
    aegis = undefined;
  });
  afterAll(() => database.drop());

  async function auditRowOf(requestId: string): Promise<AuditEvent | null> {
    const dataSource = new DataSource({
      ...buildDataSourceOptions({ ...loadDatabaseConfig(env), migrate: false }, [AuditEvent]),
    });
    await dataSource.initialize();
    try {
      return await dataSource.getRepository(AuditEvent).findOneBy({ requestId });
    } finally {
      await dataSource.destroy();
    }
  }

  it('stops accepting, finishes the request in flight (with its audit row), then exits', async () => {
    aegis = await AegisProcess.start(env);
    const inFlight = await HeldRequest.open(aegis.port, '/auth/login', ADMIN, {
      'x-request-id': 'in-flight-at-sigterm',
    });

    aegis.signal('SIGTERM');
    await refusesConnections(aegis.port);
    const response = await inFlight.finish();
    const exit = await aegis.exited;

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ token_type: 'bearer' });
    expect(response.headers['set-cookie']).toContain('aegis_token=');
    // The client is told to drop the connection, so the server can finish closing.
    expect(response.headers.connection).toBe('close');
    // A clean shutdown exits 0 (also as PID 1 in a container); the SHUTDOWN_GRACE deadline exits 1.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(aegis.log).toContain('SIGTERM: not ready; serving 5000 ms more');
    expect(lastLineOf(aegis.log)).toMatchObject({
      msg: 'Stopped after SIGTERM with exit code 0',
      requests_in_flight_at_close: 1,
      requests_served_after_close: 1,
    });
    expect(await auditRowOf(response.headers['x-request-id'])).toMatchObject({
      action: AuditAction.LoginSuccess,
      outcome: 'success',
      details: expect.objectContaining({ client_request_id: 'in-flight-at-sigterm' }),
    });
  });

  it('exits after SHUTDOWN_GRACE when a request does not finish', async () => {
    aegis = await AegisProcess.start({ ...env, SHUTDOWN_DRAIN: '0', SHUTDOWN_GRACE: '1s' });
    const stuck = await HeldRequest.open(aegis.port, '/auth/login', ADMIN);

    aegis.signal('SIGTERM');
    const exit = await aegis.exited;
    stuck.destroy();

    expect(exit).toEqual({ code: 1, signal: null });
    expect(aegis.log).toContain('Requests still running 1000 ms after SIGTERM: exiting anyway');
    expect(lastLineOf(aegis.log)).toMatchObject({
      msg: 'Stopped after SIGTERM with exit code 1',
      drain_ms: 0,
      requests_in_flight_at_close: 1,
      connections_left_open: 1,
    });
  });
});
