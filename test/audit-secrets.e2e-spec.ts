import { AuditAction } from '../src/audit/audit-action';
import { Session } from '../src/sessions/entities/session.entity';
import { User } from '../src/users/entities/user.entity';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { chain } from './support/audit-chain';
import { setCookiesOf } from './support/cookies';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/test-app';

/**
 * A full run of everything the audit log records about authentication, then a search of every audit column
 * (and of what the service printed meanwhile) for any password, password hash, token, token hash or cookie.
 */
describe('no secret ever reaches the audit log or the logs', () => {
  let t: TestApp;
  const secrets = new Set<string>();
  const printed: string[] = [];
  const keep = (...values: Array<string | null | undefined>) => {
    for (const value of values) if (value) secrets.add(value);
  };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('after login, failures, refresh, reuse, password changes and logout', async () => {
    const capture = (stream: NodeJS.WriteStream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
    const spies = [capture(process.stdout), capture(process.stderr)];
    try {
      const bob = await createUser(t);
      const newPassword = 'bob picked a brand new passphrase';
      keep(bob.password, newPassword, TEST_ADMIN.password);
      keep(
        (await t.dataSource.getRepository(User).findOneByOrFail({ id: bob.user.id })).passwordHash,
      );

      const wrongGuess = 'a wrong guess at the password';
      keep(wrongGuess);
      expect(
        (await t.http().post('/auth/login').send({ username: bob.username, password: wrongGuess }))
          .status,
      ).toBe(401);

      const api = await t
        .http()
        .post('/auth/login')
        .send({ username: bob.username, password: bob.password, client: 'api' });
      expect(api.status).toBe(200);
      keep(api.body.access_token, api.body.refresh_token, api.body.refresh_token.split('.')[1]);

      const browser = await t
        .http()
        .post('/auth/login')
        .type('form')
        .send({ username: bob.username, password: bob.password });
      const cookies = setCookiesOf(browser);
      keep(cookies.aegis_token.value, cookies.aegis_refresh.value);

      const refreshed = await t
        .http()
        .post('/auth/refresh')
        .send({ refresh_token: api.body.refresh_token });
      expect(refreshed.status).toBe(200);
      keep(refreshed.body.access_token, refreshed.body.refresh_token);
      const byCookie = await t
        .http()
        .post('/auth/refresh')
        .set('Cookie', `aegis_refresh=${cookies.aegis_refresh.value}`);
      expect(byCookie.status).toBe(200);
      keep(setCookiesOf(byCookie).aegis_token.value, setCookiesOf(byCookie).aegis_refresh.value);

      // The first refresh token again, after the grace window: theft, the session is revoked.
      t.clock.advance(60_000);
      const reused = await t
        .http()
        .post('/auth/refresh')
        .send({ refresh_token: api.body.refresh_token });
      expect(reused.body.code).toBe('REFRESH_TOKEN_REUSED');

      const bearer = `Bearer ${browser.body.access_token}`;
      keep(browser.body.access_token);
      const refusedChanges = [
        { current_password: wrongGuess, new_password: newPassword },
        { current_password: bob.password, new_password: 'too short' },
        { current_password: bob.password, new_password: `${bob.username} inside the password` },
      ];
      for (const body of refusedChanges) {
        keep(body.new_password);
        const refused = await t
          .http()
          .post('/auth/change-password')
          .set('Authorization', bearer)
          .send(body);
        expect(refused.status).toBe(400);
      }
      const changed = await t
        .http()
        .post('/auth/change-password')
        .set('Authorization', bearer)
        .send({ current_password: bob.password, new_password: newPassword });
      expect(changed.status).toBe(200);
      keep(
        (await t.dataSource.getRepository(User).findOneByOrFail({ id: bob.user.id })).passwordHash,
      );

      const again = await logIn(t, { username: bob.username, password: newPassword });
      keep(again.accessToken, again.refreshToken);
      expect(
        (await t.http().post('/auth/logout').set('Authorization', `Bearer ${again.accessToken}`))
          .status,
      ).toBe(200);
      expect(
        (
          await t
            .http()
            .post('/auth/logout')
            .set('Cookie', `aegis_token=${cookies.aegis_token.value}`)
        ).status,
      ).toBe(200);

      const admin = await logIn(t, TEST_ADMIN);
      keep(admin.accessToken, admin.refreshToken);
      for (const session of await t.dataSource.getRepository(Session).find()) {
        keep(session.refreshTokenHash, session.previousRefreshTokenHash);
      }

      const actions = new Set((await chain(t)).map((event) => event.action));
      for (const action of [
        AuditAction.LoginSuccess,
        AuditAction.LoginFailed,
        AuditAction.TokenRefreshed,
        AuditAction.RefreshTokenReused,
        AuditAction.PasswordChangeFailed,
        AuditAction.PasswordChanged,
        AuditAction.Logout,
      ])
        expect(actions).toContain(action);

      const stored = await t.dataSource.query<unknown[]>('SELECT * FROM audit_events');
      const rows = JSON.stringify(stored);
      const search = JSON.stringify(
        (
          await t
            .http()
            .get('/audit/events')
            .query({ limit: 200 })
            .set('Authorization', `Bearer ${admin.accessToken}`)
        ).body,
      );
      const exported = (
        await t
          .http()
          .get('/audit/events/export')
          .set('Authorization', `Bearer ${admin.accessToken}`)
          .buffer(true)
          .parse((res, done) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            res.on('end', () => done(null, text));
          })
      ).body as string;
      expect(exported.split('\n').filter(Boolean)).toHaveLength(stored.length);

      expect(secrets.size).toBeGreaterThan(20);
      for (const secret of secrets) {
        expect({ secret, foundInAuditRows: rows.includes(secret) }).toEqual({
          secret,
          foundInAuditRows: false,
        });
        expect({ secret, foundInSearch: search.includes(secret) }).toEqual({
          secret,
          foundInSearch: false,
        });
        expect({ secret, foundInExport: exported.includes(secret) }).toEqual({
          secret,
          foundInExport: false,
        });
        expect({ secret, foundInLogs: printed.join('').includes(secret) }).toEqual({
          secret,
          foundInLogs: false,
        });
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
