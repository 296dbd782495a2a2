import type { AccessToken, Client, ClientMetadata, RefreshToken } from 'oidc-provider';
import { introspectionResourcesRule, mayIntrospect } from './introspection-policy';

const API = 'https://api.example/';
const client = (clientId: string, method = 'client_secret_basic', served?: string[]) =>
  ({
    clientId,
    clientAuthMethod: method,
    ...(served && { introspection_resources: served }),
  }) as unknown as Client;
const token = (clientId: string, aud?: string | string[], kind = 'AccessToken') =>
  ({ clientId, aud, kind }) as unknown as AccessToken;

describe('mayIntrospect', () => {
  it('lets a client learn about its own tokens, refresh tokens included, public or not', () => {
    expect(mayIntrospect(client('wiki'), token('wiki'))).toBe(true);
    expect(mayIntrospect(client('spa', 'none'), token('spa'))).toBe(true);
    expect(
      mayIntrospect(
        client('wiki'),
        token('wiki', undefined, 'RefreshToken') as unknown as RefreshToken,
      ),
    ).toBe(true);
  });

  it('tells another client nothing about a token not issued for a resource it serves', () => {
    expect(mayIntrospect(client('other'), token('wiki'))).toBe(false);
    expect(mayIntrospect(client('other', 'client_secret_basic', [API]), token('wiki'))).toBe(false);
    expect(mayIntrospect(client('other'), token('wiki', API))).toBe(false);
    expect(
      mayIntrospect(
        client('other', 'client_secret_basic', ['https://else.example/']),
        token('wiki', API),
      ),
    ).toBe(false);
  });

  it('lets a resource server learn about the access tokens issued for it', () => {
    expect(mayIntrospect(client('api', 'private_key_jwt', [API]), token('wiki', API))).toBe(true);
    expect(
      mayIntrospect(client('api', 'client_secret_post', [API]), token('wiki', ['x', API])),
    ).toBe(true);
  });

  it('never shows a refresh token to a resource server, nor anything to a public client', () => {
    expect(
      mayIntrospect(
        client('api', 'client_secret_basic', [API]),
        token('wiki', API, 'RefreshToken') as unknown as RefreshToken,
      ),
    ).toBe(false);
    expect(mayIntrospect(client('spa', 'none', [API]), token('wiki', API))).toBe(false);
  });
});

describe('introspectionResourcesRule', () => {
  const check = (value: unknown, method = 'client_secret_basic') =>
    introspectionResourcesRule(undefined, 'introspection_resources', value, {
      client_id: 'x',
      token_endpoint_auth_method: method,
    } as ClientMetadata);

  it('accepts no value, an empty list and URLs', () => {
    expect(() => check(undefined)).not.toThrow();
    expect(() => check([])).not.toThrow();
    expect(() => check([API])).not.toThrow();
    expect(() => check([], 'none')).not.toThrow();
  });

  it.each([
    ['a string', API, /must be an array/, 'client_secret_basic'],
    ['resources on a public client', [API], /confidential/, 'none'],
  ])('refuses %s', (_case, value, message, method) => {
    expect(() => check(value, method)).toThrow(
      expect.objectContaining({
        error: 'invalid_client_metadata',
        error_description: expect.stringMatching(message),
      }),
    );
  });
});
