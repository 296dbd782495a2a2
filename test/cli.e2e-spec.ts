import { AuditAction } from '../src/audit/audit-action';
import { LoginLockoutRepository } from '../src/auth/lockout/login-lockout.repository';
import { runCli } from '../src/cli/run-cli';
import { auditEvents } from './support/audit';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { createTestApp } from './support/test-app';

/** The operator CLI against a real database (SQLite file or PostgreSQL), in-process. */
describe('npm run cli -- users:*', () => {
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    env = {
      ...database.env,
      JWT_SECRET: 'cli-secret-that-is-long-enough-0123456789',
      LOG_LEVEL: 'error',
    };
  });
  afterAll(() => database.drop());

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, env, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('creates an admin on an empty database (no bootstrap admin), printing the one-time password once', async () => {
    const created = await cli('users:create', '--username', 'Rescue-Admin', '--role', 'admin');
    expect(created.code).toBe(0);
    const password = /One-time password[^:]*: (\S+)/.exec(created.out)?.[1];
    expect(password).toBeDefined();

    const listed = await cli('users:list');
    expect(listed.code).toBe(0);
    expect(listed.out.split('\n')).toEqual([
      'username\trole\tactive\tmust_change_password\tid',
      expect.stringMatching(/^rescue-admin\tadmin\ttrue\ttrue\t[0-9a-f-]{36}$/),
    ]);
    expect(listed.out).not.toContain(password);

    const t = await createTestApp({
      database,
      env: { AEGIS_ADMIN_USERNAME: '', AEGIS_ADMIN_PASSWORD: '' },
    });
    try {
      const login = await t.http().post('/auth/login').send({ username: 'rescue-admin', password });
      expect(login.status).toBe(200);
      const events = await auditEvents(t, { action: AuditAction.UserCreated });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actorUserId: null,
        details: { source: 'cli', role: 'admin' },
      });
    } finally {
      await t.close();
    }
  });

  it('resets a password: new one-time password, old one and every session gone', async () => {
    const before = await cli('users:reset-password', '--username', 'RESCUE-ADMIN');
    expect(before.code).toBe(0);
    const password = /One-time password[^:]*: (\S+)/.exec(before.out)?.[1];
    const t = await createTestApp({
      database,
      env: { AEGIS_ADMIN_USERNAME: '', AEGIS_ADMIN_PASSWORD: '' },
    });
    try {
      expect(
        (await t.http().post('/auth/login').send({ username: 'rescue-admin', password })).status,
      ).toBe(200);
      expect(await auditEvents(t, { action: AuditAction.PasswordReset })).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('recovers a locked-out only admin: users:clear-lockout and users:reset-password lift the lock; disable, enable and sessions:revoke work', async () => {
    const created = await cli('users:create', '--username', 'locked-admin', '--role', 'admin');
    const password = /One-time password[^:]*: (\S+)/.exec(created.out)?.[1] as string;
    const open = () =>
      createTestApp({ database, env: { AEGIS_ADMIN_USERNAME: '', AEGIS_ADMIN_PASSWORD: '' } });
    const lockOut = async () => {
      const t = await open();
      try {
        for (let i = 0; i < 5; i++)
          await t
            .http()
            .post('/auth/login')
            .send({ username: 'locked-admin', password: `guess ${i}` });
        const refused = await t
          .http()
          .post('/auth/login')
          .send({ username: 'locked-admin', password });
        expect(refused.body.code).toBe('ACCOUNT_THROTTLED');
      } finally {
        await t.close();
      }
    };
    const logsIn = async (secret: string) => {
      const t = await open();
      try {
        return (
          await t.http().post('/auth/login').send({ username: 'locked-admin', password: secret })
        ).status;
      } finally {
        await t.close();
      }
    };

    await lockOut();
    expect((await cli('users:clear-lockout', '--username', 'locked-admin')).code).toBe(0);
    expect(await logsIn(password)).toBe(200);

    await lockOut();
    const reset = await cli('users:reset-password', '--username', 'locked-admin');
    const fresh = /One-time password[^:]*: (\S+)/.exec(reset.out)?.[1] as string;
    expect(await logsIn(fresh)).toBe(200);

    expect((await cli('users:disable', '--username', 'locked-admin')).code).toBe(0);
    expect(await logsIn(fresh)).toBe(403);
    expect((await cli('users:enable', '--username', 'locked-admin')).code).toBe(0);
    expect(await logsIn(fresh)).toBe(200);
    const revoked = await cli('sessions:revoke', '--username', 'locked-admin');
    expect(revoked.code).toBe(0);
    expect(revoked.out).toMatch(/Ended [1-9]\d* session/);
  }, 60_000);

  it('explains bad usage with exit code 2 and unknown users with exit code 1', async () => {
    expect((await cli('users:create', '--role', 'admin')).code).toBe(2);
    expect((await cli('users:create', '--username', 'x-user', '--role', 'root')).code).toBe(2);
    expect((await cli('users:frobnicate')).code).toBe(2);
    expect((await cli('users:create', '--username', 'abc', '--bogus')).code).toBe(2);
    const missing = await cli('users:reset-password', '--username', 'nobody-here');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('User not found');
    const duplicate = await cli('users:create', '--username', 'rescue-admin');
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toMatch(/already exists/);
  });

  async function passwordResets(): Promise<number> {
    const t = await createTestApp({
      database,
      env: { AEGIS_ADMIN_USERNAME: '', AEGIS_ADMIN_PASSWORD: '' },
    });
    try {
      return (await auditEvents(t, { action: AuditAction.PasswordReset })).length;
    } finally {
      await t.close();
    }
  }

  it('resets a password and lifts the lockout in one transaction: a failed lift leaves the old password', async () => {
    const created = await cli('users:create', '--username', 'half-reset');
    const password = /One-time password[^:]*: (\S+)/.exec(created.out)?.[1] as string;
    const resetsBefore = await passwordResets();
    const lift = jest
      .spyOn(LoginLockoutRepository.prototype, 'clearAccount')
      .mockRejectedValueOnce(new Error('lockout table unavailable'));
    try {
      const reset = await cli('users:reset-password', '--username', 'half-reset');
      expect(reset.code).toBe(1);
      expect(reset.out).not.toMatch(/One-time password/);
    } finally {
      lift.mockRestore();
    }
    const t = await createTestApp({
      database,
      env: { AEGIS_ADMIN_USERNAME: '', AEGIS_ADMIN_PASSWORD: '' },
    });
    try {
      const login = await t.http().post('/auth/login').send({ username: 'half-reset', password });
      expect(login.status).toBe(200);
      expect(await auditEvents(t, { action: AuditAction.PasswordReset })).toHaveLength(
        resetsBefore,
      );
    } finally {
      await t.close();
    }
  });
});
