import type { AdapterPayload } from 'oidc-provider';
import { loadConfig } from '../config/app-config';
import { ClientMetadataValidator } from './client-metadata-validator';
import { OidcError, OidcErrorCode } from './oidc.error';

const validator = new ClientMetadataValidator(
  loadConfig({ AEGIS_ENV: 'test', OIDC_RESOURCES: 'https://api.example/' }),
);

/** A confidential code-flow client as the provider reads it (`providerView`). */
const WIKI: AdapterPayload = {
  client_id: 'aegis-wiki',
  client_secret: 'a'.repeat(64),
  client_name: 'Wiki',
  redirect_uris: ['https://wiki.example/callback'],
  post_logout_redirect_uris: [],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: 'ES256',
};
const KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'fBhaPMxk2PE0KBZ-ZL33r5GOEtqHTpkRMc8fc5vsEbA',
  y: 'uFC11aZkdzC2dp9Y4KC4tujO5WJ_L-8mbYjT4Xdw3zI',
};
const KEY_JWT = { client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt' };

async function refusal(metadata: AdapterPayload): Promise<OidcError> {
  const error = await validator.validate(metadata).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof OidcError)) throw new Error(`expected an OidcError, got ${String(error)}`);
  return error;
}

describe('ClientMetadataValidator', () => {
  it.each([
    ['a confidential code-flow client', {}],
    ['client_secret_post', { token_endpoint_auth_method: 'client_secret_post' }],
    ['private_key_jwt with inline keys', { ...KEY_JWT, jwks: { keys: [KEY] } }],
    ['private_key_jwt with a JWKS URI', { ...KEY_JWT, jwks_uri: 'https://wiki.example/jwks' }],
    ['a back-channel URI on a private address', { backchannel_logout_uri: 'http://10.1.2.3/bc' }],
    ['a resource it serves', { introspection_resources: ['https://api.example/'] }],
  ])('accepts %s', async (_case, overrides) => {
    await expect(
      validator.validate({ ...WIKI, ...overrides } as AdapterPayload),
    ).resolves.toBeUndefined();
  });

  it.each([
    [
      'a redirect URI with a fragment',
      { redirect_uris: ['https://m.example/cb#frag'] },
      'redirect_uris',
      /fragment/,
    ],
    [
      'a post-logout URI with a fragment',
      { post_logout_redirect_uris: ['https://m.example/#x'] },
      'post_logout_redirect_uris',
      /fragment/,
    ],
    [
      'a link-local back-channel URI',
      { backchannel_logout_uri: 'http://169.254.169.254/latest' },
      'backchannel_logout_uri',
      /link-local/,
    ],
    [
      'a back-channel URI that is not http(s)',
      { backchannel_logout_uri: 'ftp://wiki.example/bc' },
      'backchannel_logout_uri',
      /http\(s\)/,
    ],
    ['private_key_jwt without keys', KEY_JWT, 'jwks', /jwks or jwks_uri is mandatory/],
    [
      'a private key in the key set',
      { ...KEY_JWT, jwks: { keys: [{ ...KEY, d: 'private' }] } },
      'jwks',
      /d must not be provided/,
    ],
    [
      'both inline keys and a JWKS URI',
      { ...KEY_JWT, jwks: { keys: [KEY] }, jwks_uri: 'https://wiki.example/jwks' },
      'jwks',
      /must not be used at the same time/,
    ],
    [
      'a link-local JWKS URI',
      { ...KEY_JWT, jwks_uri: 'http://[fe80::1]/jwks' },
      'jwks_uri',
      /link-local/,
    ],
    [
      'a method the provider does not offer',
      { token_endpoint_auth_method: 'client_secret_jwt' },
      'token_endpoint_auth_method',
      /must be/,
    ],
    [
      'a resource this server does not issue tokens for',
      { introspection_resources: ['https://elsewhere.example/'] },
      'introspection_resources',
      /OIDC_RESOURCES/,
    ],
    [
      'served resources on a public client',
      {
        client_secret: undefined,
        token_endpoint_auth_method: 'none',
        introspection_resources: ['https://api.example/'],
      },
      'introspection_resources',
      /confidential/,
    ],
  ])('refuses %s, naming the field', async (_case, overrides, field, detail) => {
    const error = await refusal({ ...WIKI, ...overrides } as AdapterPayload);
    expect(error.code).toBe(OidcErrorCode.InvalidClientMetadata);
    expect(error.options.detail).toMatch(detail);
    expect(error.options.errors).toEqual([{ field, messages: [error.options.detail] }]);
  });
});
