import { Logger } from '@nestjs/common';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AuditAction } from '../src/audit/audit-action';
import { AdminBootstrapService } from '../src/users/admin-bootstrap.service';
import { User } from '../src/users/entities/user.entity';
import { Role } from '../src/common/access/role';
import { createUser } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { createTestDatabase } from './support/test-database';
import { createTestApp, TEST_ADMIN } from './support/test-app';

describe('first start on an empty database', () => {
  it('creates "admin" with a random one-time password, in a 0600 file the log names, that must be changed', async () => {
    const database = await createTestDatabase();
    const file = join(database.env.DATA_DIR, 'initial-admin-password');
    const printed = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const logged = jest.spyOn(Logger.prototype, 'log');
    try {
      const t = await createTestApp({
        database,
        env: { AEGIS_ADMIN_USERNAME: '', AEGIS_ADMIN_PASSWORD: '' },
      });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, 'utf8').trim();
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      // The log names the file, never the password; stdout is no terminal here, so nothing is printed.
      const lines = logged.mock.calls.map((call) => String(call[0])).join('\n');
      expect(lines).toContain(`one-time password is in ${file}`);
      expect(lines).not.toContain(password);
      expect(printed).not.toHaveBeenCalled();

      const login = await t.http().post('/auth/login').send({ username: 'admin', password });
      expect(login.status).toBe(200);
      const me = await t
        .http()
        .get('/auth/me')
        .set('Authorization', `Bearer ${login.body.access_token}`);
      expect(me.body).toMatchObject({
        username: 'admin',
        role: 'admin',
        must_change_password: true,
        is_active: true,
      });
      const created = await auditEvents(t, { action: AuditAction.UserCreated });
      expect(created).toHaveLength(1);
      expect(JSON.stringify(created)).not.toContain(password);
      await t.close();

      // A restart on the same database creates nobody and writes no password.
      rmSync(file);
      logged.mockClear();
      const again = await createTestApp({
        database,
        env: { AEGIS_ADMIN_USERNAME: '', AEGIS_ADMIN_PASSWORD: '' },
      });
      expect(existsSync(file)).toBe(false);
      expect(logged.mock.calls.map((call) => String(call[0])).join('\n')).not.toContain(
        'one-time password',
      );
      expect(await again.dataSource.getRepository(User).count()).toBe(1);
      await again.close();
    } finally {
      printed.mockRestore();
      logged.mockRestore();
      await database.drop();
    }
  });

  it('also shows the one-time password when stdout is a terminal', async () => {
    const database = await createTestDatabase();
    const printed = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const wasTty = process.stdout.isTTY;
    process.stdout.isTTY = true;
    try {
      const t = await createTestApp({
        database,
        env: { AEGIS_ADMIN_USERNAME: '', AEGIS_ADMIN_PASSWORD: '' },
      });
      await t.close();
      const password = readFileSync(join(database.env.DATA_DIR, 'initial-admin-password'), 'utf8');
      expect(printed.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(
        new RegExp(`one-time password:\\s+${password.trim()}\\s`),
      );
    } finally {
      process.stdout.isTTY = wasTty;
      printed.mockRestore();
      await database.drop();
    }
  });

  it('uses AEGIS_ADMIN_USERNAME / AEGIS_ADMIN_PASSWORD when set, with no forced change', async () => {
    const t = await createTestApp();
    try {
      const login = await t.http().post('/auth/login').send(TEST_ADMIN);
      const me = await t
        .http()
        .get('/auth/me')
        .set('Authorization', `Bearer ${login.body.access_token}`);
      expect(me.body).toMatchObject({
        username: TEST_ADMIN.username,
        role: 'admin',
        must_change_password: false,
      });
    } finally {
      await t.close();
    }
  });

  it('refuses to start with an AEGIS_ADMIN_PASSWORD that breaks the password policy', async () => {
    await expect(createTestApp({ env: { AEGIS_ADMIN_PASSWORD: 'short' } })).rejects.toThrow(
      /AEGIS_ADMIN_PASSWORD: .*at least 15/,
    );
  });
});

describe('start-up on a database that already has users', () => {
  it('creates no administrator and prints no password when the only user is not an admin', async () => {
    const database = await createTestDatabase();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      // A first start without the bootstrap, to leave exactly one ordinary user behind.
      const seeding = await createTestApp({
        database,
        override: (builder) => builder.overrideProvider(AdminBootstrapService).useValue({}),
      });
      const only = await createUser(seeding, { role: Role.User });
      await seeding.close();
      log.mockClear();

      const t = await createTestApp({
        database,
        env: { AEGIS_ADMIN_USERNAME: '', AEGIS_ADMIN_PASSWORD: '' },
      });
      try {
        expect(log.mock.calls.map((call) => String(call[0])).join('\n')).not.toContain(
          'one-time password',
        );
        const users = await t.dataSource.getRepository(User).find();
        expect(users.map(({ id, role }) => ({ id, role }))).toEqual([
          { id: only.user.id, role: Role.User },
        ]);
        expect(await auditEvents(t, { action: AuditAction.UserCreated })).toEqual([]);
      } finally {
        await t.close();
      }
    } finally {
      log.mockRestore();
      await database.drop();
    }
  });
});

describe('OpenAPI document', () => {
  it('is served at /docs-json with bearer, cookie and OAuth2 password security, and Swagger UI at /docs', async () => {
    const t = await createTestApp();
    try {
      const json = await t.http().get('/docs-json');
      expect(json.status).toBe(200);
      const schemes = json.body.components.securitySchemes;
      expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(schemes.cookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'aegis_token' });
      expect(schemes.oauth2.flows.password.tokenUrl).toBe('/auth/login');
      expect(json.body.paths['/auth/me'].get.security).toEqual(
        expect.arrayContaining([{ bearer: [] }, { cookie: [] }, { oauth2: [] }]),
      );
      expect(Object.keys(json.body.paths['/auth/login'].post.requestBody.content)).toEqual([
        'application/x-www-form-urlencoded',
        'application/json',
      ]);
      const ui = await t.http().get('/docs').redirects(1);
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger-ui');
    } finally {
      await t.close();
    }
  });
});
