import { ACCESS_COOKIE, REFRESH_COOKIE } from '../../src/auth/auth-cookies';
import { setCookiesOf } from '../support/cookies';
import type { TestApp } from '../support/test-app';
import type { UserFixture } from './user.factory';

/** A logged-in browser-like session: what the cookies and the body handed out. */
export interface LoggedIn {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
}

/** Logs in through the real endpoint (JSON body) and returns the tokens it issued. */
export async function logIn(
  t: TestApp,
  who: Pick<UserFixture, 'username' | 'password'>,
): Promise<LoggedIn> {
  const response = await t
    .http()
    .post('/auth/login')
    .send({ username: who.username, password: who.password });
  if (response.status !== 200)
    throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  const cookies = setCookiesOf(response);
  const body = response.body as { access_token: string; expires_in: number };
  return {
    accessToken: body.access_token,
    refreshToken: cookies[REFRESH_COOKIE].value,
    expiresIn: body.expires_in,
    sessionId: cookies[REFRESH_COOKIE].value.split('.')[0],
  };
}

export const accessCookie = (token: string) => `${ACCESS_COOKIE}=${token}`;
export const refreshCookie = (token: string) => `${REFRESH_COOKIE}=${token}`;
