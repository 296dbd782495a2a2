import { automock } from '../../test/support/automock';
import { FrozenClock, NOW } from '../../test/support/auth-fixtures';
import { OidcPayload } from './entities/oidc-payload.entity';
import { OidcClientsService } from './oidc-clients.service';
import { OidcPayloadRepository } from './oidc-payload.repository';
import { SessionLinksService } from './session-links.service';
import { HASHED_MODELS, tokenDigest } from './stored-token-key';
import { GRANT_BOUND_MODELS, TypeOrmAdapter } from './typeorm-adapter';

function row(payload: object, consumedAt: Date | null = null): OidcPayload {
  return Object.assign(new OidcPayload(), {
    model: 'AccessToken',
    id: 'token-1',
    payload: JSON.stringify(payload),
    grantId: null,
    userCode: null,
    uid: null,
    expiresAt: null,
    consumedAt,
  });
}

function setup(model: string) {
  const payloads = automock(OidcPayloadRepository);
  const clients = automock(OidcClientsService);
  const links = automock(SessionLinksService);
  const adapter = new TypeOrmAdapter(model, payloads, clients, links, new FrozenClock());
  return { adapter, payloads, clients, links };
}

describe('TypeOrmAdapter', () => {
  it('stores a payload as JSON with its lookup columns and an expiry from the clock', async () => {
    const { adapter, payloads } = setup('Session');
    await adapter.upsert('s-1', { uid: 'uid-1', accountId: 'user-1' }, 60);
    expect(payloads.upsert).toHaveBeenCalledWith({
      model: 'Session',
      id: 's-1',
      payload: JSON.stringify({ uid: 'uid-1', accountId: 'user-1' }),
      grantId: null,
      userCode: null,
      uid: 'uid-1',
      expiresAt: new Date(NOW.getTime() + 60_000),
      consumedAt: null,
    });
  });

  it('keeps a payload without expiry forever (no expiresIn)', async () => {
    const { adapter, payloads } = setup('Grant');
    await adapter.upsert('g-1', { accountId: 'user-1' });
    expect(payloads.upsert.mock.calls[0][0].expiresAt).toBeNull();
  });

  it('links an authorization code to its provider session (the session ender needs it), and nothing else', async () => {
    const { adapter, links } = setup('AuthorizationCode');
    await adapter.upsert('code-1', { grantId: 'grant-1', sessionUid: 'uid-1' }, 60);
    expect(links.recordProviderSession).toHaveBeenCalledWith('grant-1', 'uid-1');
    const token = setup('AccessToken');
    await token.adapter.upsert('at-1', { grantId: 'grant-1', sessionUid: 'uid-1' }, 60);
    expect(token.links.recordProviderSession).not.toHaveBeenCalled();
  });

  it('never stores clients: they are registered through the admin API, and read from it', async () => {
    const { adapter, payloads, clients } = setup('Client');
    await expect(adapter.upsert('c-1', {}, 60)).rejects.toThrow(/oidc-clients/);
    expect(payloads.upsert).not.toHaveBeenCalled();
    clients.providerMetadata.mockResolvedValue({ client_id: 'c-1' });
    await expect(adapter.find('c-1')).resolves.toEqual({ client_id: 'c-1' });
    expect(payloads.find).not.toHaveBeenCalled();
  });

  it('finds a payload, undefined when absent, and marks a consumed one with its time in seconds', async () => {
    const { adapter, payloads } = setup('AuthorizationCode');
    payloads.find.mockResolvedValueOnce(row({ grantId: 'grant-1' }));
    await expect(adapter.find('code-1')).resolves.toEqual({ grantId: 'grant-1', jti: 'code-1' });
    payloads.find.mockResolvedValueOnce(null);
    await expect(adapter.find('code-2')).resolves.toBeUndefined();
    payloads.find.mockResolvedValueOnce(row({ grantId: 'grant-1' }, NOW));
    await expect(adapter.find('code-1')).resolves.toEqual({
      grantId: 'grant-1',
      jti: 'code-1',
      consumed: Math.floor(NOW.getTime() / 1000),
    });
    expect(payloads.find).toHaveBeenCalledWith('AuthorizationCode', tokenDigest('code-1'));
  });

  it.each([...HASHED_MODELS])(
    'keys a %s row by the SHA-256 of its value, and keeps the value nowhere in the row',
    async (model) => {
      const { adapter, payloads } = setup(model);
      await adapter.upsert('secret-value', { jti: 'secret-value', grantId: 'grant-1' }, 60);
      const stored = payloads.upsert.mock.calls[0][0];
      expect(stored.id).toBe(tokenDigest('secret-value'));
      expect(stored.id).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.grantId).toBe('grant-1');
      expect(JSON.stringify(stored)).not.toContain('secret-value');
    },
  );

  it('finds a token by the value a client presents, never by the key it is stored under', async () => {
    const { adapter, payloads } = setup('AccessToken');
    const key = tokenDigest('at-value');
    payloads.find.mockImplementation((_model, id) =>
      Promise.resolve(id === key ? row({ grantId: 'grant-1' }) : null),
    );
    // The provider reads the token's value back from `jti`.
    await expect(adapter.find('at-value')).resolves.toEqual({
      grantId: 'grant-1',
      jti: 'at-value',
    });
    // The key read from a copy of the database is not a token: it is hashed like any value presented.
    await expect(adapter.find(key)).resolves.toBeUndefined();
    expect(payloads.find).toHaveBeenLastCalledWith('AccessToken', tokenDigest(key));
  });

  it.each(['Session', 'Interaction', 'Grant', 'DeviceCode', 'ReplayDetection'])(
    'keys a %s row by its own id, its payload as given (found by uid, user code or a signed cookie)',
    async (model) => {
      const { adapter, payloads, links } = setup(model);
      links.isGrantLive.mockResolvedValue(true);
      await adapter.upsert('id-1', { jti: 'id-1', uid: 'uid-1' }, 60);
      expect(payloads.upsert.mock.calls[0][0]).toMatchObject({
        id: 'id-1',
        payload: JSON.stringify({ jti: 'id-1', uid: 'uid-1' }),
      });
      payloads.find.mockResolvedValue(row({ jti: 'id-1', uid: 'uid-1' }));
      await expect(adapter.find('id-1')).resolves.toEqual({ jti: 'id-1', uid: 'uid-1' });
      expect(payloads.find).toHaveBeenCalledWith(model, 'id-1');
      await adapter.destroy('id-1');
      expect(payloads.destroy).toHaveBeenCalledWith(model, 'id-1');
    },
  );

  it('hides a grant whose Aegis session has ended, without reading it', async () => {
    const { adapter, payloads, links } = setup('Grant');
    links.isGrantLive.mockResolvedValue(false);
    await expect(adapter.find('grant-1')).resolves.toBeUndefined();
    expect(payloads.find).not.toHaveBeenCalled();
    links.isGrantLive.mockResolvedValue(true);
    payloads.find.mockResolvedValue(row({ accountId: 'user-1' }));
    await expect(adapter.find('grant-1')).resolves.toEqual({ accountId: 'user-1' });
  });

  it('finds by uid and by user code within its model', async () => {
    const { adapter, payloads } = setup('Session');
    payloads.findBy.mockResolvedValue(row({ uid: 'uid-1' }));
    await expect(adapter.findByUid('uid-1')).resolves.toEqual({ uid: 'uid-1' });
    expect(payloads.findBy).toHaveBeenCalledWith('Session', { uid: 'uid-1' });
    await adapter.findByUserCode('ABCD');
    expect(payloads.findBy).toHaveBeenCalledWith('Session', { userCode: 'ABCD' });
  });

  it('consumes at the clock time, destroys one row, and revokes every grant-bound model of a grant', async () => {
    const { adapter, payloads } = setup('RefreshToken');
    await adapter.consume('rt-1');
    expect(payloads.consume).toHaveBeenCalledWith('RefreshToken', tokenDigest('rt-1'), NOW);
    await adapter.destroy('rt-1');
    expect(payloads.destroy).toHaveBeenCalledWith('RefreshToken', tokenDigest('rt-1'));
    await adapter.revokeByGrantId('grant-1');
    expect(payloads.destroyByGrant).toHaveBeenCalledWith(GRANT_BOUND_MODELS, 'grant-1');
    expect(GRANT_BOUND_MODELS).toEqual(
      expect.arrayContaining(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'Grant']),
    );
  });
});
