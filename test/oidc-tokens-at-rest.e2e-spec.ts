import { DataSource } from 'typeorm';
import { loadDatabaseConfig } from '../src/config/app-config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { OidcHashedTokenKeys1764203000000 } from '../src/database/migrations/1764203000000-oidc-hashed-token-keys';
import { MIGRATIONS } from '../src/database/migrations';
import { OidcPayload } from '../src/oidc/entities/oidc-payload.entity';
import { createUser, type UserFixture } from './factories/user.factory';
import {
  authorizationUrl,
  client,
  credentialsOf,
  exchange,
  listen,
  registerRp,
  type RegisteredRp,
} from './support/oidc';
import { TestBrowser } from './support/oidc-browser';
import { createTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('OpenID Connect: tokens and codes at rest', () => {
  let t: TestApp;
  let base: string;
  let rp: RegisteredRp;

  beforeAll(async () => {
    t = await createTestApp();
    base = await listen(t);
    rp = await registerRp(t, base);
  });
  afterAll(() => t.close());

  /** A sign-in with a refresh token; the code the callback carried, and the tokens it was exchanged for. */
  async function signIn(who: UserFixture) {
    const browser = new TestBrowser();
    const started = await authorizationUrl(rp, { prompt: 'consent' });
    const page = await browser.follow(started.url, base);
    const callback = await browser.submit(page, base, credentialsOf(who));
    const code = callback.location!.searchParams.get('code')!;
    const tokens = await exchange(rp, started, callback);
    return { code, accessToken: tokens.access_token, refreshToken: tokens.refresh_token! };
  }

  /** What a copy of the database says about one user's artifacts of a model: the key of each row. */
  async function storedKeysOf(model: string, who: UserFixture): Promise<string[]> {
    const rows = await t.dataSource.getRepository(OidcPayload).findBy({ model });
    return rows
      .filter(
        (row) => (JSON.parse(row.payload) as { accountId?: string }).accountId === who.user.id,
      )
      .map((row) => row.id);
  }

  const userinfo = (token: string) =>
    fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${token}` } });

  it('keeps no code, access token or refresh token in any column of the database', async () => {
    const alice = await createUser(t);
    const { code, accessToken, refreshToken } = await signIn(alice);
    const everything = JSON.stringify(await t.dataSource.getRepository(OidcPayload).find());
    for (const secret of [code, accessToken, refreshToken])
      expect(everything).not.toContain(secret);
    // Each is there, under a key of its own.
    for (const model of ['AuthorizationCode', 'AccessToken', 'RefreshToken'])
      expect(await storedKeysOf(model, alice)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
  });

  it('refuses the stored key of an access token at userinfo and introspection; the token itself works', async () => {
    const bob = await createUser(t);
    const { accessToken } = await signIn(bob);
    const [stored] = await storedKeysOf('AccessToken', bob);

    expect((await userinfo(stored)).status).toBe(401);
    expect(await client.tokenIntrospection(rp.config, stored)).toEqual({ active: false });

    const real = await userinfo(accessToken);
    expect(real.status).toBe(200);
    expect(await real.json()).toMatchObject({ sub: bob.user.id });
    expect(await client.tokenIntrospection(rp.config, accessToken)).toMatchObject({
      active: true,
      sub: bob.user.id,
    });
  });

  it('refuses the stored key of a refresh token; the token itself rotates, and its reuse still revokes the grant', async () => {
    const carol = await createUser(t);
    const { accessToken, refreshToken } = await signIn(carol);
    const [stored] = await storedKeysOf('RefreshToken', carol);

    await expect(client.refreshTokenGrant(rp.config, stored)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect(await client.tokenIntrospection(rp.config, stored)).toEqual({ active: false });

    const rotated = await client.refreshTokenGrant(rp.config, refreshToken);
    expect((await userinfo(rotated.access_token)).status).toBe(200);
    // The first refresh token, used again: reuse, so everything issued under the grant stops working.
    await expect(client.refreshTokenGrant(rp.config, refreshToken)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(client.refreshTokenGrant(rp.config, rotated.refresh_token!)).rejects.toMatchObject(
      { error: 'invalid_grant' },
    );
    expect((await userinfo(rotated.access_token)).status).toBe(401);
    expect((await userinfo(accessToken)).status).toBe(401);
  });

  it('revokes by the value the client holds: the hashed row is deleted', async () => {
    const dave = await createUser(t);
    const { accessToken, refreshToken } = await signIn(dave);
    await client.tokenRevocation(rp.config, accessToken);
    expect(await storedKeysOf('AccessToken', dave)).toEqual([]);
    expect((await userinfo(accessToken)).status).toBe(401);
    // Revoking the refresh token revokes its grant: the rows issued under it go too.
    await client.tokenRevocation(rp.config, refreshToken);
    expect(await storedKeysOf('RefreshToken', dave)).toEqual([]);
    await expect(client.refreshTokenGrant(rp.config, refreshToken)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});

describe('the migration to hashed OpenID token keys', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('deletes the plain-text tokens and codes of earlier releases, and keeps sessions and grants', async () => {
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(OidcHashedTokenKeys1764203000000));
    const legacy = new DataSource({
      ...buildDataSourceOptions(loadDatabaseConfig(database.env)),
      migrations: before,
      migrationsRun: true,
    });
    await legacy.initialize();
    try {
      for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'Session', 'Grant'])
        await legacy
          .createQueryBuilder()
          .insert()
          .into('oidc_payloads')
          .values({
            model,
            id: `plain-${model}`,
            payload: JSON.stringify({ jti: `plain-${model}` }),
          })
          .execute();
    } finally {
      await legacy.destroy();
    }

    const t = await createTestApp({ database });
    try {
      const left = await t.dataSource.getRepository(OidcPayload).find({ order: { model: 'ASC' } });
      expect(left.map((row) => row.id)).toEqual(['plain-Grant', 'plain-Session']);
    } finally {
      await t.close();
    }
  });
});
