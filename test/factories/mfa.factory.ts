import type { TestApp } from '../support/test-app';
import { totpCode } from '../support/totp';
import { logIn, type LoggedIn } from './session.factory';
import type { UserFixture } from './user.factory';

export interface EnrolledTotp {
  factorId: string;
  secret: string;
  recoveryCodes: string[];
}

/** Enrols an authenticator app through the real routes (begin, then confirm with the current code). */
export async function enrolTotp(t: TestApp, session: LoggedIn): Promise<EnrolledTotp> {
  const bearer = `Bearer ${session.accessToken}`;
  const begun = await t.http().post('/auth/mfa/totp').set('Authorization', bearer).send({});
  if (begun.status !== 201)
    throw new Error(`TOTP enrolment failed: ${begun.status} ${JSON.stringify(begun.body)}`);
  const { id, secret } = begun.body as { id: string; secret: string };
  const confirmed = await t
    .http()
    .post(`/auth/mfa/totp/${id}/confirm`)
    .set('Authorization', bearer)
    .send({ code: totpCode(secret, t.clock) });
  if (confirmed.status !== 200)
    throw new Error(
      `TOTP confirmation failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`,
    );
  return { factorId: id, secret, recoveryCodes: confirmed.body.recovery_codes as string[] };
}

/** A user with an authenticator app enrolled; the clock is moved past the step the enrolment used. */
export async function withTotp(t: TestApp, who: UserFixture): Promise<EnrolledTotp> {
  const enrolled = await enrolTotp(t, await logIn(t, who));
  t.clock.advance(30_000);
  return enrolled;
}

/** The password step of a login for a user with a factor: the challenge's token (401 MFA_REQUIRED). */
export async function passwordStep(
  t: TestApp,
  who: Pick<UserFixture, 'username' | 'password'>,
  extra: Record<string, string> = {},
): Promise<string> {
  const response = await t
    .http()
    .post('/auth/login')
    .send({ username: who.username, password: who.password, ...extra });
  if (response.status !== 401 || response.body.code !== 'MFA_REQUIRED')
    throw new Error(`expected MFA_REQUIRED: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.mfa_token as string;
}
