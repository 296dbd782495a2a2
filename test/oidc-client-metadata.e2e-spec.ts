import { exportJWK, generateKeyPair } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditAction } from '../src/audit/audit-action';
import { runCli } from '../src/cli/run-cli';
import { OidcClient } from '../src/oidc/entities/oidc-client.entity';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { auditEvents } from './support/audit';
import { createTestApp, type TestApp } from './support/test-app';

const registration = { name: 'Wiki', redirect_uris: ['https://wiki.example.test/callback'] };

/** A public EC key, as a tool holding its private half registers it. */
const publicJwk = async () => ({
  ...(await exportJWK((await generateKeyPair('ES256')).publicKey)),
  kid: 'tool-1',
});

describe('OpenID Connect clients: how they authenticate, checked by the provider’s rules before they are stored', () => {
  let t: TestApp;
  let admin: AdminFixture;
  const folder = mkdtempSync(join(tmpdir(), 'aegis-jwks-'));

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await t.close();
  });

  const create = (body: Record<string, unknown>) =>
    t.http().post('/oidc-clients').set('authorization', admin.bearer).send(body);
  const show = (id: string) =>
    t.http().get(`/oidc-clients/${id}`).set('authorization', admin.bearer);

  it('registers how a confidential client authenticates and shows it; a private_key_jwt client gets no secret', async () => {
    const post = await create({
      ...registration,
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(post.status).toBe(201);
    expect(post.body).toMatchObject({
      token_endpoint_auth_method: 'client_secret_post',
      client_secret: expect.any(String),
    });
    const jwks = { keys: [await publicJwk()] };
    const keyed = await create({
      ...registration,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks,
    });
    expect(keyed.status).toBe(201);
    expect(keyed.body).not.toHaveProperty('client_secret');
    const id = (keyed.body as { client_id: string }).client_id;
    const row = await t.dataSource.getRepository(OidcClient).findOneByOrFail({ id });
    expect(row.secretHash).toBeNull();
    expect((await show(id)).body).toMatchObject({
      public: false,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks,
      jwks_uri: null,
    });
    // A JWKS URI (http or https, a private address too) replaces the inline keys.
    const byUri = await t
      .http()
      .patch(`/oidc-clients/${id}`)
      .set('authorization', admin.bearer)
      .send({ jwks_uri: 'http://10.20.30.40:8080/jwks' });
    expect(byUri.body).toMatchObject({ jwks: null, jwks_uri: 'http://10.20.30.40:8080/jwks' });
    const secretLess = await t
      .http()
      .patch(`/oidc-clients/${id}`)
      .set('authorization', admin.bearer)
      .send({ token_endpoint_auth_method: 'client_secret_basic' });
    expect(secretLess.status).toBe(400);
    expect(secretLess.body.errors).toEqual([
      {
        field: 'token_endpoint_auth_method',
        messages: [expect.stringMatching(/register a new client/)],
      },
    ]);
  });

  it('refuses, naming the field, what the provider would refuse later, and stores and audits nothing', async () => {
    const clients = t.dataSource.getRepository(OidcClient);
    const stored = await clients.count();
    const audited = (await auditEvents(t, { action: AuditAction.OidcClientCreated })).length;
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ redirect_uris: ['https://m.example/cb#frag'] }, 'redirect_uris', /fragment/],
      [
        { post_logout_redirect_uris: ['https://m.example/#x'] },
        'post_logout_redirect_uris',
        /fragment/,
      ],
      [
        { backchannel_logout_uri: 'http://169.254.169.254/latest/meta-data' },
        'backchannel_logout_uri',
        /link-local/,
      ],
      [
        { backchannel_logout_uri: 'http://[fe80::1]/logout' },
        'backchannel_logout_uri',
        /link-local/,
      ],
      [{ token_endpoint_auth_method: 'private_key_jwt' }, 'jwks', /jwks or jwks_uri is mandatory/],
      [
        {
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ ...(await publicJwk()), d: 'the private half' }] },
        },
        'jwks',
        /d must not be provided/,
      ],
      [
        { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://169.254.169.254/jwks' },
        'jwks_uri',
        /link-local/,
      ],
    ];
    for (const [fields, field, detail] of cases) {
      const response = await create({ ...registration, ...fields });
      expect({ status: response.status, code: response.body.code }).toEqual({
        status: 400,
        code: 'OIDC_INVALID_CLIENT_METADATA',
      });
      expect(response.body.errors).toEqual([{ field, messages: [expect.stringMatching(detail)] }]);
    }
    expect(await clients.count()).toBe(stored);
    expect(await auditEvents(t, { action: AuditAction.OidcClientCreated })).toHaveLength(audited);
  });

  it('refuses a change the provider would refuse, leaving the client as it was', async () => {
    const { client_id: id } = (await create(registration)).body as { client_id: string };
    const response = await t
      .http()
      .patch(`/oidc-clients/${id}`)
      .set('authorization', admin.bearer)
      .send({ name: 'Renamed', redirect_uris: ['https://m.example/cb#frag'] });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'OIDC_INVALID_CLIENT_METADATA',
      errors: [{ field: 'redirect_uris' }],
    });
    expect((await show(id)).body).toMatchObject({
      name: 'Wiki',
      redirect_uris: registration.redirect_uris,
    });
    expect(
      await auditEvents(t, { action: AuditAction.OidcClientUpdated, resourceId: id }),
    ).toHaveLength(0);
  });

  it('registers a private_key_jwt client from the CLI with a key file, and refuses one without keys', async () => {
    const env = {
      ...t.database.env,
      JWT_SECRET: 'cli-secret-that-is-long-enough-0123456789',
      LOG_LEVEL: 'error',
    };
    const out: string[] = [];
    const err: string[] = [];
    const sink = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
    const jwksFile = join(folder, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [await publicJwk()] }));
    const keyed = ['clients:create', '--name', 'Keyed', '--redirect-uri', 'https://k.example/cb'];
    const method = ['--token-endpoint-auth-method', 'private_key_jwt'];
    expect(await runCli([...keyed, ...method, '--jwks-file', jwksFile, '--json'], env, sink)).toBe(
      0,
    );
    expect(err).toEqual([]);
    const printed = JSON.parse(out[0]) as { client_id: string; client_secret?: string };
    expect(printed.client_secret).toBeUndefined();
    expect((await show(printed.client_id)).body).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ kid: 'tool-1' }] },
    });
    expect(await runCli([...keyed, ...method], env, sink)).toBe(2);
    expect(err).toEqual([expect.stringMatching(/jwks or jwks_uri is mandatory/)]);
    expect(
      await runCli([...keyed, '--token-endpoint-auth-method', 'client_secret_jwt'], env, sink),
    ).toBe(2);
  });
});
