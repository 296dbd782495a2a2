import type { TestApp } from './test-app';

/** The login form's fields for a user fixture. */
export const credentials = (who: { username: string; password: string }) => ({
  username: who.username,
  password: who.password,
});

/** POST /auth/mfa/verify with `body`, and with `cookie` when given (a browser's aegis_mfa). */
export function mfaVerify(t: TestApp, body: Record<string, unknown>, cookie?: string) {
  const call = t.http().post('/auth/mfa/verify');
  if (cookie) void call.set('Cookie', cookie);
  return call.send(body);
}
