import { LogCapture } from './support/log-capture';
import { sample, scrape } from './support/metrics';
import { createTestApp, type TestApp } from './support/test-app';

/** One app per file: nestjs-pino keeps its root logger per process, so the capture belongs to the first app. */
describe('readiness in the log and in aegis_ready', () => {
  let t: TestApp;
  const logs = new LogCapture();
  beforeAll(async () => {
    t = await createTestApp({ env: { LOG_LEVEL: 'log' }, override: logs.override() });
  });
  afterAll(() => t.close());

  const readinessRecords = () =>
    logs.records().filter((record) => record.context === 'Readiness' || record.level === 'error');

  it('logs one warning when it turns not ready (the cause as fields) and one line when ready again, not one per probe', async () => {
    const ready = async () => sample(await scrape(t), 'aegis_ready');
    await t.http().get('/health/ready');
    expect(await ready()).toBe(1);
    await t.dataSource.destroy();
    try {
      for (let probe = 0; probe < 3; probe++)
        expect((await t.http().get('/health/ready')).status).toBe(503);
      expect(await ready()).toBe(0);
    } finally {
      await t.dataSource.initialize();
    }
    for (let probe = 0; probe < 3; probe++)
      expect((await t.http().get('/health/ready')).status).toBe(200);
    expect(await ready()).toBe(1);

    const records = readinessRecords();
    expect(records).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'Not ready: unreachable: database',
        ready: false,
        down: ['database'],
        // The driver's own words: "The database connection is not open" (SQLite), "Driver not Connected" (pg).
        causes: { database: expect.stringMatching(/not (open|connected)/i) },
      }),
      expect.objectContaining({
        level: 'info',
        msg: 'Ready again: every dependency answers',
        ready: true,
      }),
    ]);
  });
});
