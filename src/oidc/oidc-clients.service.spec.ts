import { AuditAction } from '../audit/audit-action';
import { NOW, META } from '../../test/support/auth-fixtures';
import {
  ADMIN,
  KEYS,
  STORED_DEFAULTS,
  oidcClients as setup,
  oidcErrorOf as errorOf,
  webApp,
} from '../../test/support/oidc-clients-rig';
import { hashClientSecret } from './client-secret';
import { OidcErrorCode } from './oidc.error';

describe('OidcClientsService.create', () => {
  it('returns a confidential client’s secret once and stores only its hash', async () => {
    const { service, rows } = setup();
    const { client, secret } = await service.create(ADMIN, webApp());
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = rows.get(client.id)!;
    expect(row.secretHash).toBe(hashClientSecret(secret!));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(client).toMatchObject({ isEnabled: true, createdAt: NOW, updatedAt: NOW });
    expect(client.id).toMatch(/^aegis-[A-Za-z0-9_-]{16}$/);
  });

  it('gives a public client no secret and no way to authenticate but PKCE', async () => {
    const { service, rows } = setup();
    const { client, secret } = await service.create(ADMIN, webApp({ isPublic: true }));
    expect(secret).toBeUndefined();
    expect(rows.get(client.id)!.secretHash).toBeNull();
    expect(JSON.parse(rows.get(client.id)!.metadata)).toMatchObject({
      token_endpoint_auth_method: 'none',
    });
    expect(client.registration.isPublic).toBe(true);
  });

  it('stores OIDC metadata: the code flow gets refresh tokens, client credentials no redirect', async () => {
    const { service, rows } = setup();
    const interactive = await service.create(
      ADMIN,
      webApp({ backchannelLogoutUri: 'https://wiki.example/logout', idTokenSigningAlg: 'RS256' }),
    );
    expect(JSON.parse(rows.get(interactive.client.id)!.metadata)).toEqual({
      client_name: 'Wiki',
      redirect_uris: ['https://wiki.example/callback'],
      post_logout_redirect_uris: [],
      backchannel_logout_uri: 'https://wiki.example/logout',
      backchannel_logout_session_required: true,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    });
    const machine = await service.create(
      ADMIN,
      webApp({ redirectUris: [], grantTypes: ['client_credentials'] }),
    );
    const metadata = JSON.parse(rows.get(machine.client.id)!.metadata) as Record<string, unknown>;
    expect(metadata).toMatchObject({ grant_types: ['client_credentials'], response_types: [] });
    expect(metadata).not.toHaveProperty('backchannel_logout_uri');
    // What an administrator reads back is what they registered, not the provider's additions.
    expect(machine.client.registration.grantTypes).toEqual(['client_credentials']);
    expect(interactive.client.registration.grantTypes).toEqual(['authorization_code']);
  });

  it('audits the registration with who did it, never the secret', async () => {
    const { service, audit } = setup();
    const { client, secret } = await service.create(
      { ...ADMIN, details: { operator: 'ops' } },
      webApp(),
    );
    expect(audit.record).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith({
      action: AuditAction.OidcClientCreated,
      outcome: 'success',
      actorUserId: 'admin-1',
      resourceType: 'oidc_client',
      resourceId: client.id,
      details: {
        name: 'Wiki',
        public: false,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: 'authorization_code',
        redirect_uris: 'https://wiki.example/callback',
        operator: 'ops',
      },
      meta: META,
    });
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain(secret);
  });

  it.each([
    ['no grant type at all', { grantTypes: [] }, 'grant_types must not be empty'],
    ['the code flow without a redirect URI', { redirectUris: [] }, 'at least one redirect URI'],
    [
      'a public client asking for client credentials',
      { isPublic: true, redirectUris: [], grantTypes: ['client_credentials' as const] },
      'a public client cannot use client_credentials',
    ],
    [
      'redirect URIs on a client that never redirects',
      { grantTypes: ['client_credentials' as const] },
      'redirect URIs are only for clients using authorization_code',
    ],
    [
      'a public client with a confidential authentication method',
      { isPublic: true, tokenEndpointAuthMethod: 'client_secret_post' as const },
      'a public client has none',
    ],
    [
      'a confidential client authenticating with none',
      { tokenEndpointAuthMethod: 'none' as const },
      'none is for public clients',
    ],
    [
      'keys on a client that authenticates with a secret',
      { jwks: KEYS },
      'jwks and jwks_uri are for clients using private_key_jwt',
    ],
  ])('refuses %s, storing and auditing nothing', async (_case, overrides, detail) => {
    const { service, clients, audit } = setup();
    const error = await errorOf(service.create(ADMIN, webApp(overrides)));
    expect(error.code).toBe(OidcErrorCode.InvalidClientMetadata);
    expect(error.options.detail).toContain(detail);
    expect(clients.insert).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });
});

describe('OidcClientsService.update', () => {
  it('changes only what was given and audits the names of the changed fields', async () => {
    const { service, audit, clock } = setup();
    const { client } = await service.create(
      ADMIN,
      webApp({ postLogoutRedirectUris: ['https://a'] }),
    );
    audit.record.mockClear();
    clock.current = new Date(NOW.getTime() + 60_000);
    const updated = await service.update(ADMIN, client.id, {
      name: 'Team wiki',
      redirectUris: undefined,
      isEnabled: false,
    });
    expect(updated.registration).toEqual({
      ...webApp({ postLogoutRedirectUris: ['https://a'] }),
      ...STORED_DEFAULTS,
      name: 'Team wiki',
    });
    expect(updated).toMatchObject({ isEnabled: false, createdAt: NOW, updatedAt: clock.current });
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: AuditAction.OidcClientUpdated,
        actorUserId: 'admin-1',
        resourceId: client.id,
        details: { changed: 'name isEnabled' },
      }),
    );
  });

  it('keeps a client enabled when the change does not mention it', async () => {
    const { service } = setup();
    const { client } = await service.create(ADMIN, webApp());
    await service.update(ADMIN, client.id, { isEnabled: false });
    expect((await service.update(ADMIN, client.id, { name: 'Renamed' })).isEnabled).toBe(false);
    expect((await service.update(ADMIN, client.id, { isEnabled: true })).isEnabled).toBe(true);
  });

  it('refuses a change that leaves the registration incoherent, saving nothing', async () => {
    const { service, clients, audit, rows } = setup();
    const { client } = await service.create(ADMIN, webApp());
    const before = { ...rows.get(client.id)! };
    audit.record.mockClear();
    const error = await errorOf(service.update(ADMIN, client.id, { redirectUris: [] }));
    expect(error.code).toBe(OidcErrorCode.InvalidClientMetadata);
    expect(clients.save).not.toHaveBeenCalled();
    expect(rows.get(client.id)).toEqual(before);
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('answers CLIENT_NOT_FOUND for an unknown client', async () => {
    const { service, clients, audit } = setup();
    const error = await errorOf(service.update(ADMIN, 'aegis-nope', { isEnabled: false }));
    expect(error.code).toBe(OidcErrorCode.ClientNotFound);
    expect(clients.save).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });
});

describe('OidcClientsService.delete, get and list', () => {
  it('deletes a client and audits it', async () => {
    const { service, audit, rows } = setup();
    const { client } = await service.create(ADMIN, webApp());
    await service.delete({ ...ADMIN, details: { operator: 'ops' } }, client.id);
    expect(rows.has(client.id)).toBe(false);
    expect(audit.record).toHaveBeenLastCalledWith({
      action: AuditAction.OidcClientDeleted,
      outcome: 'success',
      actorUserId: 'admin-1',
      resourceType: 'oidc_client',
      resourceId: client.id,
      details: { operator: 'ops' },
      meta: META,
    });
  });

  it('audits no deletion of a client that does not exist', async () => {
    const { service, audit } = setup();
    const error = await errorOf(service.delete(ADMIN, 'aegis-nope'));
    expect(error.code).toBe(OidcErrorCode.ClientNotFound);
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('reads a client back as registered, and refuses an unknown id', async () => {
    const { service } = setup();
    const { client } = await service.create(ADMIN, webApp({ isPublic: true }));
    expect(await service.get(client.id)).toEqual(client);
    expect(await service.list()).toEqual([client]);
    expect((await errorOf(service.get('aegis-nope'))).code).toBe(OidcErrorCode.ClientNotFound);
  });
});

describe('OidcClientsService.providerMetadata', () => {
  it('hands the provider the metadata and the secret’s hash, never the secret', async () => {
    const { service } = setup();
    const { client, secret } = await service.create(ADMIN, webApp());
    const metadata = await service.providerMetadata(client.id);
    expect(metadata).toMatchObject({
      client_id: client.id,
      client_secret: hashClientSecret(secret!),
      redirect_uris: ['https://wiki.example/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(JSON.stringify(metadata)).not.toContain(secret);
  });

  it('gives a public client no client_secret at all', async () => {
    const { service } = setup();
    const { client } = await service.create(ADMIN, webApp({ isPublic: true }));
    expect(await service.providerMetadata(client.id)).not.toHaveProperty('client_secret');
  });

  it('makes a disabled or deleted client unknown to the provider', async () => {
    const { service } = setup();
    const { client } = await service.create(ADMIN, webApp());
    await service.update(ADMIN, client.id, { isEnabled: false });
    expect(await service.providerMetadata(client.id)).toBeUndefined();
    await service.delete(ADMIN, client.id);
    expect(await service.providerMetadata(client.id)).toBeUndefined();
  });
});

describe('OidcClientsService.isIntrospectedResource', () => {
  it('answers whether an enabled client serves the resource (written as the configuration writes it)', async () => {
    const { service } = setup();
    const { client } = await service.create(
      ADMIN,
      webApp({ introspectionResources: ['https://api.example'] }),
    );
    expect(client.registration.introspectionResources).toEqual(['https://api.example/']);
    await service.create(ADMIN, webApp());
    expect(await service.isIntrospectedResource('https://api.example/')).toBe(true);
    expect(await service.isIntrospectedResource('https://other.example/')).toBe(false);
    await service.update(ADMIN, client.id, { isEnabled: false });
    expect(await service.isIntrospectedResource('https://api.example/')).toBe(false);
  });
});
