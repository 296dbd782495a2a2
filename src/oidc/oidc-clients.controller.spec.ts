import { Role } from '../common/access/role';
import { NOW } from '../../test/support/auth-fixtures';
import {
  controllerSetup,
  principalOf,
  type ControllerRig,
} from '../../test/support/controller-rig';
import { OidcClientsController } from './oidc-clients.controller';
import {
  OidcClientsService,
  type ClientRegistration,
  type RegisteredClient,
} from './oidc-clients.service';
import { OidcError, OidcErrorCode } from './oidc.error';

const ADMIN = principalOf(Role.Admin);
/** What the controller asks for when the body gives only a name and a redirect URI. */
const WIKI_DEFAULTS: ClientRegistration = {
  name: 'Wiki',
  redirectUris: ['https://wiki.example/callback'],
  postLogoutRedirectUris: [],
  backchannelLogoutUri: null,
  isPublic: false,
  grantTypes: ['authorization_code'],
  idTokenSigningAlg: 'ES256',
};
const WIKI: RegisteredClient = {
  id: 'aegis-wiki',
  isEnabled: true,
  createdAt: NOW,
  updatedAt: NOW,
  registration: {
    ...WIKI_DEFAULTS,
    tokenEndpointAuthMethod: 'client_secret_basic',
    jwks: null,
    jwksUri: null,
    introspectionResources: [],
    backchannelLogoutSessionRequired: false,
  },
};
const KEY = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' };

let rig: ControllerRig;
let clients: jest.Mocked<OidcClientsService>;

beforeAll(async () => {
  rig = await controllerSetup(OidcClientsController);
  clients = rig.double(OidcClientsService);
});
afterAll(() => rig.close());
beforeEach(() => jest.clearAllMocks());

describe('OidcClientsController: who may call it', () => {
  it('answers 401 without credentials, even to a read', async () => {
    const response = await rig.http().get('/oidc-clients').expect(401);
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(clients.list).not.toHaveBeenCalled();
  });

  it('answers 403 to a signed-in user who is not an administrator', async () => {
    const response = await rig
      .http()
      .delete('/oidc-clients/aegis-wiki')
      .set(rig.bearer(principalOf(Role.User)))
      .expect(403);
    expect(response.body).toMatchObject({ code: 'INSUFFICIENT_ROLE' });
    expect(clients.delete).not.toHaveBeenCalled();
  });
});

describe('OidcClientsController: what it accepts', () => {
  it.each([
    [
      'a redirect URI that is not an http(s) URL',
      { redirect_uris: ['javascript:alert(1)'] },
      'redirect_uris',
    ],
    ['an unknown grant type', { grant_types: ['password'] }, 'grant_types'],
    ['a field the API does not have', { client_secret: 'chosen' }, 'client_secret'],
    [
      'token_endpoint_auth_method none (public: true says that)',
      { token_endpoint_auth_method: 'none' },
      'token_endpoint_auth_method',
    ],
    [
      'an authentication method Aegis does not offer',
      { token_endpoint_auth_method: 'client_secret_jwt' },
      'token_endpoint_auth_method',
    ],
    ['a key set without keys', { jwks: { keys: [] } }, 'jwks.keys'],
    ['a key set with a field of its own', { jwks: { keys: [KEY], extra: 1 } }, 'jwks.extra'],
    ['a JWKS URI that is not an http(s) URL', { jwks_uri: 'file:///etc/keys' }, 'jwks_uri'],
    [
      'a resource that is not a URL',
      { introspection_resources: ['api'] },
      'introspection_resources',
    ],
  ])('refuses %s with 400 naming the field', async (_case, fields, field) => {
    const response = await rig
      .http()
      .post('/oidc-clients')
      .set(rig.bearer(ADMIN))
      .send({ name: 'Wiki', ...fields })
      .expect(400);
    const named = (response.body as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(named).toContain(field);
    expect(clients.create).not.toHaveBeenCalled();
  });

  it('registers a client from the parsed body with the documented defaults, the secret shown once', async () => {
    clients.create.mockResolvedValue({ client: WIKI, secret: 'shown-once' });
    const response = await rig
      .http()
      .post('/oidc-clients')
      .set(rig.bearer(ADMIN))
      .send({ name: 'Wiki', redirect_uris: ['https://wiki.example/callback'] })
      .expect(201);
    expect(clients.create).toHaveBeenCalledWith(
      expect.objectContaining({ userId: 'admin-1' }),
      WIKI_DEFAULTS,
    );
    expect(response.body).toMatchObject({
      client_id: 'aegis-wiki',
      client_secret: 'shown-once',
      token_endpoint_auth_method: 'client_secret_basic',
      jwks: null,
      jwks_uri: null,
      introspection_resources: [],
    });
    expect(rig.unitOfWork.run).toHaveBeenCalledTimes(1);
  });

  it('passes the authentication method, the keys and the served resources on', async () => {
    clients.create.mockResolvedValue({ client: WIKI });
    await rig
      .http()
      .post('/oidc-clients')
      .set(rig.bearer(ADMIN))
      .send({
        name: 'Wiki',
        redirect_uris: ['https://wiki.example/callback'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [KEY] },
        introspection_resources: ['https://api.example/'],
      })
      .expect(201);
    expect(clients.create).toHaveBeenCalledWith(expect.anything(), {
      ...WIKI_DEFAULTS,
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [KEY] },
      introspectionResources: ['https://api.example/'],
    });
  });

  it('passes only the given changes on, and maps an unknown client to 404', async () => {
    clients.update.mockRejectedValue(new OidcError(OidcErrorCode.ClientNotFound));
    const response = await rig
      .http()
      .patch('/oidc-clients/aegis-gone')
      .set(rig.bearer(ADMIN))
      .send({ enabled: false })
      .expect(404);
    expect(response.body).toMatchObject({ code: 'OIDC_CLIENT_NOT_FOUND' });
    expect(clients.update).toHaveBeenCalledWith(expect.anything(), 'aegis-gone', {
      name: undefined,
      redirectUris: undefined,
      postLogoutRedirectUris: undefined,
      backchannelLogoutUri: undefined,
      idTokenSigningAlg: undefined,
      tokenEndpointAuthMethod: undefined,
      jwks: undefined,
      jwksUri: undefined,
      introspectionResources: undefined,
      isEnabled: false,
    });
  });
});
