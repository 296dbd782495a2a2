import { AuditAction } from '../src/audit/audit-action';
import { runCli } from '../src/cli/run-cli';
import { passwordStep, withTotp } from './factories/mfa.factory';
import { createUser } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { createTestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('npm run cli -- users:reset-mfa', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("removes a user's factors so the password alone signs in again, audited as the operator", async () => {
    let t = await createTestApp({ database });
    const nora = await createUser(t);
    await withTotp(t, nora);
    await passwordStep(t, nora);
    await t.close();

    const out: string[] = [];
    const code = await runCli(
      ['users:reset-mfa', '--username', nora.username],
      {
        ...database.env,
        JWT_SECRET: 'cli-secret-that-is-long-enough-0123456789',
        LOG_LEVEL: 'error',
      },
      { out: (line) => out.push(line), err: (line) => out.push(line) },
    );
    expect({ code, out }).toEqual({
      code: 0,
      out: [expect.stringContaining('Removed the second factors')],
    });

    t = await createTestApp({ database });
    try {
      const login = await t
        .http()
        .post('/auth/login')
        .send({ username: nora.username, password: nora.password });
      expect(login.status).toBe(200);
      const [reset] = await auditEvents(t, { action: AuditAction.MfaReset });
      expect(reset).toMatchObject({
        actorUserId: null,
        resourceId: nora.user.id,
        details: expect.objectContaining({ source: 'cli', factors_removed: 1 }),
      });
    } finally {
      await t.close();
    }
  });
});
