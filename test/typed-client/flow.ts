// Compiled (never run) by test/typed-client.e2e-spec.ts against types generated from openapi.json: a client
// generated from the document must type a whole flow, and every error body as ProblemDetails.
import createClient from 'openapi-fetch';
import type { components, paths } from './aegis-api';

type Problem = components['schemas']['ProblemDetails'];
type OAuthTokenError = components['schemas']['OAuthTokenError'];
type MfaRequired = components['schemas']['MfaRequired'];

type IsNever<T> = [T] extends [never] ? true : false;
type Expect<T extends true> = T;

/** The bodies of every 4xx/5xx response of one operation. */
type ErrorBodies<Operation> = Operation extends { responses: infer Responses }
  ? {
      [Status in keyof Responses]: Status extends
        400 | 401 | 403 | 404 | 409 | 413 | 414 | 415 | 429 | 500 | 503
        ? Responses[Status] extends { content: infer Content }
          ? Content[keyof Content]
          : never
        : never;
    }[keyof Responses]
  : never;

type Operations = {
  [Path in keyof paths]: {
    [Method in 'get' | 'post' | 'patch' | 'delete']: paths[Path][Method] extends infer Op
      ? Op extends undefined | never
        ? never
        : Op
      : never;
  }['get' | 'post' | 'patch' | 'delete'];
}[keyof paths];

/** Every operation documents errors, and every error body is a ProblemDetails (or an OAuth2 error). */
type EveryErrorTyped = Operations extends infer Op
  ? Op extends unknown
    ? IsNever<ErrorBodies<Op>> extends true
      ? false
      : ErrorBodies<Op> extends Problem | OAuthTokenError
        ? true
        : false
    : never
  : never;
export type EveryOperationHasTypedErrors = Expect<[EveryErrorTyped] extends [true] ? true : false>;

export async function fullFlow(baseUrl: string): Promise<string> {
  const client = createClient<paths>({ baseUrl });
  const login = await client.POST('/auth/login', {
    body: { username: 'admin', password: 'a long enough passphrase', client: 'api' },
  });
  if (login.error) {
    if (
      'mfa_token' in login.error &&
      'code' in login.error &&
      login.error.code === 'MFA_REQUIRED'
    ) {
      // The right password of a user with a second factor: the challenge is typed, and answered.
      const challenge: MfaRequired = login.error;
      const verified = await client.POST('/auth/mfa/verify', {
        body: { mfa_token: challenge.mfa_token, method: 'totp', code: '123456' },
      });
      if (verified.error) return `${verified.error.code} ${challenge.methods.join(' ')}`;
      return verified.data.access_token;
    }
    const refused: Problem | OAuthTokenError = login.error;
    return 'code' in refused ? refused.code : refused.error;
  }
  const headers = { Authorization: `Bearer ${login.data.access_token}` };
  const me = await client.GET('/auth/me', { headers });
  if (me.error) return me.error.code;
  const created = await client.POST('/users', {
    headers,
    body: { username: 'alice', role: 'user', display_name: 'Alice Example' },
  });
  if (created.error) {
    const problem: Problem = created.error;
    return `${problem.status} ${problem.code} ${problem.request_id}`;
  }
  const user = await client.GET('/users/{id}', {
    headers,
    params: { path: { id: created.data.user.id } },
  });
  if (user.error) return user.error.code;
  const factors = await client.GET('/auth/mfa', { headers });
  if (factors.error) return factors.error.code;
  const clients = await client.GET('/oidc-clients', { headers });
  if (clients.error) return clients.error.code;
  const page = await client.GET('/users', { headers, params: { query: { limit: 10 } } });
  if (page.error) return page.error.code;
  const refreshed = await client.POST('/auth/refresh', {
    body: { refresh_token: login.data.refresh_token },
  });
  if (refreshed.error) return refreshed.error.code;
  const sessions = await client.GET('/auth/sessions', { headers });
  if (sessions.error) return sessions.error.code;
  const current: boolean = sessions.data.items[0].current;
  await client.POST('/auth/logout', { body: {} });
  return `${me.data.username} ${user.data.role} ${page.data.items.length} ${String(current)} ${factors.data.recovery_codes_left} ${clients.data.length}`;
}
