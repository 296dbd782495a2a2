import {
  ADMIN,
  KEYS,
  oidcClients as setup,
  oidcErrorOf as errorOf,
  webApp,
} from '../../test/support/oidc-clients-rig';
import { hashClientSecret } from './client-secret';
import { OidcError, OidcErrorCode } from './oidc.error';

describe('OidcClientsService: how a client authenticates', () => {
  it('gives a client_secret_post client a secret and registers the method', async () => {
    const { service, rows } = setup();
    const { client, secret } = await service.create(
      ADMIN,
      webApp({ tokenEndpointAuthMethod: 'client_secret_post' }),
    );
    expect(rows.get(client.id)!.secretHash).toBe(hashClientSecret(secret!));
    expect(JSON.parse(rows.get(client.id)!.metadata)).toMatchObject({
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(client.registration).toMatchObject({ tokenEndpointAuthMethod: 'client_secret_post' });
  });

  it('gives a private_key_jwt client no secret, only its public keys', async () => {
    const { service, rows } = setup();
    const { client, secret } = await service.create(
      ADMIN,
      webApp({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: KEYS }),
    );
    expect(secret).toBeUndefined();
    expect(rows.get(client.id)!.secretHash).toBeNull();
    expect(JSON.parse(rows.get(client.id)!.metadata)).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: KEYS,
    });
    expect(await service.providerMetadata(client.id)).not.toHaveProperty('client_secret');
  });

  it('asks the provider’s rules about the metadata the provider will read, before storing it', async () => {
    const { service, clients, validator } = setup();
    validator.validate.mockImplementation(async () => {
      expect(clients.insert).not.toHaveBeenCalled();
    });
    const { client, secret } = await service.create(ADMIN, webApp());
    expect(validator.validate).toHaveBeenCalledWith({
      ...(await service.providerMetadata(client.id)),
      client_secret: hashClientSecret(secret!),
    });
  });

  it('stores and audits nothing the provider’s rules refuse, on create and on update', async () => {
    const { service, clients, audit, validator, rows } = setup();
    const refusal = new OidcError(OidcErrorCode.InvalidClientMetadata, 'redirect_uris …');
    validator.validate.mockRejectedValueOnce(refusal);
    await expect(service.create(ADMIN, webApp())).rejects.toBe(refusal);
    expect(clients.insert).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
    const { client } = await service.create(ADMIN, webApp());
    const before = { ...rows.get(client.id)! };
    audit.record.mockClear();
    validator.validate.mockRejectedValueOnce(refusal);
    await expect(
      service.update(ADMIN, client.id, { redirectUris: ['https://m.example/cb#frag'] }),
    ).rejects.toBe(refusal);
    expect(clients.save).not.toHaveBeenCalled();
    expect(rows.get(client.id)).toEqual(before);
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('lets a client stored before a rule existed be disabled without asking the rules again', async () => {
    const { service, validator } = setup();
    const { client } = await service.create(ADMIN, webApp());
    validator.validate.mockClear();
    validator.validate.mockRejectedValue(new OidcError(OidcErrorCode.InvalidClientMetadata));
    const updated = await service.update(ADMIN, client.id, { isEnabled: false });
    expect(updated.isEnabled).toBe(false);
    expect(validator.validate).not.toHaveBeenCalled();
  });

  it('drops the secret of a client that moves to private_key_jwt', async () => {
    const { service, rows } = setup();
    const { client } = await service.create(ADMIN, webApp());
    const updated = await service.update(ADMIN, client.id, {
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwksUri: 'https://wiki.example/jwks',
    });
    expect(rows.get(client.id)!.secretHash).toBeNull();
    expect(updated.registration).toMatchObject({
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwksUri: 'https://wiki.example/jwks',
    });
  });

  it('keeps the secret when a client moves between the two ways of sending it', async () => {
    const { service, rows } = setup();
    const { client, secret } = await service.create(ADMIN, webApp());
    await service.update(ADMIN, client.id, { tokenEndpointAuthMethod: 'client_secret_post' });
    expect(rows.get(client.id)!.secretHash).toBe(hashClientSecret(secret!));
  });

  it.each([
    [
      'a private_key_jwt client',
      webApp({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: KEYS }),
    ],
    ['a public client', webApp({ isPublic: true })],
  ])('refuses to move %s to a secret it never got', async (_case, registration) => {
    const { service, clients } = setup();
    const { client } = await service.create(ADMIN, registration);
    const error = await errorOf(
      service.update(ADMIN, client.id, { tokenEndpointAuthMethod: 'client_secret_basic' }),
    );
    expect(error.code).toBe(OidcErrorCode.InvalidClientMetadata);
    expect(error.options.errors).toEqual([
      {
        field: 'token_endpoint_auth_method',
        messages: [expect.stringContaining('register a new client')],
      },
    ]);
    expect(clients.save).not.toHaveBeenCalled();
  });

  it('replaces inline keys by a JWKS URI and back', async () => {
    const { service } = setup();
    const { client } = await service.create(
      ADMIN,
      webApp({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: KEYS }),
    );
    const byUri = await service.update(ADMIN, client.id, { jwksUri: 'https://wiki.example/jwks' });
    expect(byUri.registration).toMatchObject({ jwks: null, jwksUri: 'https://wiki.example/jwks' });
    const inline = await service.update(ADMIN, client.id, { jwks: KEYS });
    expect(inline.registration).toMatchObject({ jwks: KEYS, jwksUri: null });
  });
});
