import { authCookieNames } from '../../src/auth/auth-cookies';
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

/** The cookie names the app under test uses (prefixed when SECURE_COOKIES is on). */
export const cookieNamesOf = (t: TestApp) => authCookieNames(t.config.secureCookies);

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
  const refresh = setCookiesOf(response)[cookieNamesOf(t).refresh].value;
  const body = response.body as { access_token: string; expires_in: number };
  return {
    accessToken: body.access_token,
    refreshToken: refresh,
    expiresIn: body.expires_in,
    sessionId: refresh.split('.')[0],
  };
}

const PLAIN = authCookieNames(false);
/** Cookie headers for an app with plain cookie names (the test default, SECURE_COOKIES off). */
export const accessCookie = (token: string) => `${PLAIN.access}=${token}`;
export const refreshCookie = (token: string) => `${PLAIN.refresh}=${token}`;
