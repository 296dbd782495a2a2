import { AuditAction } from '../src/audit/audit-action';
import { runCli } from '../src/cli/run-cli';
import { OidcClient } from '../src/oidc/entities/oidc-client.entity';
import { SigningKey } from '../src/signing-keys/entities/signing-key.entity';
import { SigningKeyPurpose } from '../src/signing-keys/signing-key-kinds';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { auditEvents } from './support/audit';
import { createTestApp, type TestApp } from './support/test-app';

describe('OpenID Connect clients: registration by administrators (HTTP and CLI)', () => {
  let t: TestApp;
  let admin: AdminFixture;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const registration = {
    name: 'Wiki',
    redirect_uris: ['https://wiki.example.test/callback'],
    post_logout_redirect_uris: ['https://wiki.example.test/'],
  };

  it('registers a confidential client, shows its secret once and stores only a hash (audited)', async () => {
    const created = await t
      .http()
      .post('/oidc-clients')
      .set('authorization', admin.bearer)
      .send(registration);
    expect(created.status).toBe(201);
    const body = created.body as { client_id: string; client_secret: string };
    expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await t.dataSource
      .getRepository(OidcClient)
      .findOneByOrFail({ id: body.client_id });
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(body.client_secret);
    const fetched = await t
      .http()
      .get(`/oidc-clients/${body.client_id}`)
      .set('authorization', admin.bearer);
    expect(fetched.status).toBe(200);
    expect(fetched.body).not.toHaveProperty('client_secret');
    expect(fetched.body).toMatchObject({ name: 'Wiki', public: false, enabled: true });
    const events = await auditEvents(t, {
      action: AuditAction.OidcClientCreated,
      resourceId: body.client_id,
    });
    expect(events).toHaveLength(1);
    expect(events[0].actorUserId).toBe(admin.user.id);
  });

  it('updates and deletes a client, auditing both', async () => {
    const { client_id: id } = (
      await t.http().post('/oidc-clients').set('authorization', admin.bearer).send(registration)
    ).body as { client_id: string };
    const patched = await t
      .http()
      .patch(`/oidc-clients/${id}`)
      .set('authorization', admin.bearer)
      .send({ name: 'Wiki 2', enabled: false });
    expect(patched.body).toMatchObject({ name: 'Wiki 2', enabled: false });
    expect(
      (await t.http().delete(`/oidc-clients/${id}`).set('authorization', admin.bearer)).status,
    ).toBe(204);
    expect(
      (await t.http().get(`/oidc-clients/${id}`).set('authorization', admin.bearer)).status,
    ).toBe(404);
    expect(
      await auditEvents(t, { action: AuditAction.OidcClientUpdated, resourceId: id }),
    ).toHaveLength(1);
    expect(
      await auditEvents(t, { action: AuditAction.OidcClientDeleted, resourceId: id }),
    ).toHaveLength(1);
  });

  it('refuses incoherent or malformed registrations with a 400 that names the problem', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: 'No redirect' }, /redirect URI/],
      [{ ...registration, redirect_uris: ['not a url'] }, /redirect_uris/],
      [{ ...registration, public: true, grant_types: ['client_credentials'] }, /public client/],
      [{ ...registration, grant_types: ['implicit'] }, /grant_types/],
      [{ ...registration, token_endpoint_auth_method: 'none' }, /token_endpoint_auth_method/],
    ];
    for (const [body, detail] of cases) {
      const response = await t
        .http()
        .post('/oidc-clients')
        .set('authorization', admin.bearer)
        .send(body);
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body)).toMatch(detail);
    }
  });

  it('is for administrators only', async () => {
    const user = await createUser(t);
    const session = await logIn(t, user);
    const response = await t
      .http()
      .get('/oidc-clients')
      .set('authorization', `Bearer ${session.accessToken}`);
    expect(response.status).toBe(403);
    expect((await t.http().get('/oidc-clients')).status).toBe(401);
  });

  it('registers clients and rotates keys from the CLI', async () => {
    const env = {
      ...t.database.env,
      JWT_SECRET: 'cli-secret-that-is-long-enough-0123456789',
      LOG_LEVEL: 'error',
    };
    const out: string[] = [];
    const err: string[] = [];
    const sink = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
    const code = await runCli(
      [
        'clients:create',
        '--name',
        'CLI tool',
        '--redirect-uri',
        'https://cli.example.test/a',
        '--redirect-uri',
        'https://cli.example.test/b',
        '--json',
      ],
      env,
      sink,
    );
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const printed = JSON.parse(out[0]) as { client_id: string; client_secret: string };
    const listed = await t
      .http()
      .get(`/oidc-clients/${printed.client_id}`)
      .set('authorization', admin.bearer);
    expect(listed.body.redirect_uris).toEqual([
      'https://cli.example.test/a',
      'https://cli.example.test/b',
    ]);
    expect(
      await runCli(['clients:create', '--name', 'x', '--redirect-uri', 'ftp://x'], env, sink),
    ).toBe(2);
    err.length = 0;
    expect(
      await runCli(
        ['clients:create', '--name', 'x', '--redirect-uri', 'https://m.example/cb#frag'],
        env,
        sink,
      ),
    ).toBe(2);
    expect(err).toEqual([expect.stringMatching(/redirect_uris must not contain fragments/)]);

    const keys = t.dataSource.getRepository(SigningKey);
    const before = await keys.countBy({ purpose: SigningKeyPurpose.OpenId });
    expect(await runCli(['keys:rotate'], env, sink)).toBe(0);
    const all = await keys.findBy({ purpose: SigningKeyPurpose.OpenId });
    expect(all.length).toBe(Math.max(before, 2) + 2);
    expect(
      all
        .filter((key) => key.retiredAt === null)
        .map((key) => key.alg)
        .sort(),
    ).toEqual(['ES256', 'RS256']);
    expect(all.every((key) => !key.sealedPrivateJwk.includes('"d"'))).toBe(true);
    expect(await auditEvents(t, { action: AuditAction.OidcKeyRotated })).toHaveLength(1);
    expect(await auditEvents(t, { action: AuditAction.AccessTokenKeyRotated })).toHaveLength(1);
  });
});
