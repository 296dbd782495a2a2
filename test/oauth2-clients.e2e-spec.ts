import * as oauth from 'oauth4webapi';
import { ResourceOwnerPassword } from 'simple-oauth2';
import type { AddressInfo } from 'node:net';
import { withTotp } from './factories/mfa.factory';
import { createUser } from './factories/user.factory';
import { setCookiesOf } from './support/cookies';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/test-app';
import { totpCode } from './support/totp';

/**
 * Real OAuth2 client libraries against the login route's password grant: they must read a success as a token
 * response and a refusal as an RFC 6749 §5.2 error (not "the response is not JSON").
 */
describe('the password grant, through OAuth2 client libraries', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  const as = (): oauth.AuthorizationServer => ({
    issuer: base,
    token_endpoint: `${base}/auth/login`,
  });
  const client: oauth.Client = { client_id: 'aegis-cli' };

  async function grant(password: string, username = TEST_ADMIN.username): Promise<Response> {
    return oauth.genericTokenEndpointRequest(
      as(),
      client,
      oauth.None(),
      'password',
      new URLSearchParams({ username, password }),
      { [oauth.allowInsecureRequests]: true },
    );
  }

  it('oauth4webapi: a right password is a bearer token response', async () => {
    const tokens = await oauth.processGenericTokenEndpointResponse(
      as(),
      client,
      await grant(TEST_ADMIN.password),
    );
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('oauth4webapi: a wrong password is an OAuth2 invalid_grant error', async () => {
    const response = await grant('not the password at all');
    expect(response.status).toBe(400);
    const failure = await oauth
      .processGenericTokenEndpointResponse(as(), client, response)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(oauth.ResponseBodyError);
    expect(failure).toMatchObject({
      error: 'invalid_grant',
      error_description: 'Incorrect username or password',
    });
  });

  it('oauth4webapi: the right password of a user with a second factor is an OAuth2 mfa_required error carrying the challenge', async () => {
    const alice = await createUser(t);
    const totp = await withTotp(t, alice);
    const response = await grant(alice.password, alice.username);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('www-authenticate')).toBeNull();
    const failure = await oauth
      .processGenericTokenEndpointResponse(as(), client, response)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(oauth.ResponseBodyError);
    const { cause } = failure as oauth.ResponseBodyError;
    expect(cause).toEqual({
      error: 'mfa_required',
      error_description: 'A second factor is required: answer the challenge at /auth/mfa/verify',
      mfa_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      methods: ['totp', 'recovery_code'],
      expires_in: 300,
    });

    // The challenge in the error is the one /auth/mfa/verify answers, as after the JSON login.
    const verified = await t
      .http()
      .post('/auth/mfa/verify')
      .send({ mfa_token: cause.mfa_token, method: 'totp', code: totpCode(totp.secret, t.clock) });
    expect(verified.status).toBe(200);
    expect(verified.body.token_type).toBe('bearer');
  });

  it('sets the challenge cookie on the form too, and keeps MFA_REQUIRED as problem+json for the JSON login', async () => {
    const bob = await createUser(t);
    await withTotp(t, bob);
    const form = await t
      .http()
      .post('/auth/login')
      .type('form')
      .send({ grant_type: 'password', username: bob.username, password: bob.password });
    expect(form.status).toBe(400);
    expect(setCookiesOf(form).aegis_mfa.value).toBe(form.body.mfa_token);
    const json = await t
      .http()
      .post('/auth/login')
      .send({ username: bob.username, password: bob.password });
    expect(json.status).toBe(401);
    expect(json.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(json.body).toMatchObject({ code: 'MFA_REQUIRED', error: 'mfa_required' });
    expect(json.body.mfa_token).toEqual(expect.any(String));
  });

  it('answers a missing password as invalid_request and another grant type as unsupported_grant_type', async () => {
    const missing = await t
      .http()
      .post('/auth/login')
      .type('form')
      .send({ grant_type: 'password', username: TEST_ADMIN.username });
    expect(missing.status).toBe(400);
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
    expect(missing.body).toMatchObject({ error: 'invalid_request' });

    const other = await t
      .http()
      .post('/auth/login')
      .type('form')
      .send({ grant_type: 'client_credentials', username: 'x', password: 'y' });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('keeps problem+json for the JSON login, with a WWW-Authenticate challenge on its 401', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .send({ username: TEST_ADMIN.username, password: 'not the password at all' });
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.code).toBe('INVALID_CREDENTIALS');
    expect(response.headers['www-authenticate']).toBe('Bearer realm="aegis"');
  });

  it('names a refused bearer token in WWW-Authenticate (RFC 6750 invalid_token)', async () => {
    const response = await t.http().get('/auth/me').set('Authorization', 'Bearer not-a-jwt');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="aegis", error="invalid_token"',
    );
    const anonymous = await t.http().get('/auth/me');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="aegis"');
  });

  it('simple-oauth2: gets a token, and reads a refusal as a 400 invalid_grant', async () => {
    const owner = new ResourceOwnerPassword({
      client: { id: 'aegis-cli', secret: '' },
      auth: { tokenHost: base, tokenPath: '/auth/login' },
      options: { authorizationMethod: 'body' },
    });
    const token = await owner.getToken({
      username: TEST_ADMIN.username,
      password: TEST_ADMIN.password,
    });
    expect(token.token.access_token).toEqual(expect.any(String));
    const failure = (await owner
      .getToken({ username: TEST_ADMIN.username, password: 'not the password at all' })
      .catch((error: unknown) => error)) as {
      output?: { statusCode: number };
      data?: { payload?: unknown };
    };
    expect(failure.output?.statusCode).toBe(400);
    expect(failure.data?.payload).toMatchObject({ error: 'invalid_grant' });
  });
});
