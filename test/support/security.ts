import type { Response } from 'supertest';
import { LoginLockout } from '../../src/auth/lockout/login-lockout.entity';
import { LoginLockoutService } from '../../src/auth/lockout/login-lockout.service';
import { Session } from '../../src/sessions/entities/session.entity';
import { User } from '../../src/users/entities/user.entity';
import { cookieNamesOf } from '../factories/session.factory';
import { setCookiesOf } from './cookies';
import type { TestApp } from './test-app';

/** A stack frame or a source position, in any response. */
export const STACK_TRACE = /\bat (?:\S+ \()?[^\s()]+:\d+:\d+\)?|\.(ts|js):\d+|node_modules\//;

/** In an error body, also: internal paths, exception names, SQL. */
export const LEAK =
  /\bat (?:\S+ \()?[^\s()]+:\d+:\d+\)?|\.(ts|js):\d+|node_modules|\/srv\/|[A-Z][a-zA-Z]*Error\b|SELECT |QueryFailed/;

/** An RFC 9457 body with the stable code, and nothing a client should not see. */
export function expectProblem(response: Response, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    type: expect.stringMatching(/^urn:aegis:problem:/),
    title: expect.any(String),
    status,
    request_id: response.headers['x-request-id'],
  });
  expect(response.text).not.toMatch(LEAK);
}

/** No access or refresh token in the body, and no credential cookie set. */
export function expectNoTokenIssued(t: TestApp, response: Response): void {
  const names = cookieNamesOf(t);
  const cookies = setCookiesOf(response);
  for (const name of [names.access, names.refresh]) {
    if (cookies[name] !== undefined) expect(cookies[name].value).toBe(''); // only ever a clearing cookie
  }
  expect(response.body?.access_token).toBeUndefined();
  expect(response.body?.refresh_token).toBeUndefined();
}

const without = (record: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(Object.entries(record).filter(([name]) => !names.includes(name)));

/** Response headers without the ones that legitimately differ between two identical answers. */
export function comparableHeaders(response: Response): Record<string, unknown> {
  return without(response.headers, ['x-request-id', 'date']);
}

/** A problem body without its request id. */
export function comparableBody(response: Response): Record<string, unknown> {
  return without(response.body as Record<string, unknown>, ['request_id']);
}

export function loadUser(t: TestApp, id: string): Promise<User> {
  return t.dataSource.getRepository(User).findOneByOrFail({ id });
}

export function loadSession(t: TestApp, id: string): Promise<Session> {
  return t.dataSource.getRepository(Session).findOneByOrFail({ id });
}

export function countSessions(t: TestApp, userId: string): Promise<number> {
  return t.dataSource.getRepository(Session).countBy({ userId });
}

export function lockoutOf(t: TestApp, userId: string): Promise<LoginLockout | null> {
  return t.dataSource
    .getRepository(LoginLockout)
    .findOneBy({ accountKey: LoginLockoutService.keyForUser(userId) });
}

/**
 * A login with a wrong password from a chosen socket peer (Fastify's inject sets the peer address, which
 * supertest cannot), e.g. a client reaching the service directly or a proxy that forwards a header.
 */
export async function wrongLoginFromPeer(
  t: TestApp,
  remoteAddress: string,
  username: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { code?: string } }> {
  const response = await t.app
    .getHttpAdapter()
    .getInstance()
    .inject({
      method: 'POST',
      url: '/auth/login',
      remoteAddress,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify({ username, password: 'guessed password' }),
    });
  return { status: response.statusCode, body: response.json<{ code?: string }>() };
}
