import type { TestApp } from '../support/test-app';
import {
  SoftwareAuthenticator,
  type CreationOptions,
  type RequestOptions,
} from '../support/webauthn-authenticator';
import type { LoggedIn } from './session.factory';

/** Where the passkey tests reach Aegis (PUBLIC_URL): the origin the authenticator writes into client data. */
export const PASSKEY_ORIGIN = 'http://aegis.test';
export const PASSKEY_ENV = { PUBLIC_URL: PASSKEY_ORIGIN };

export interface EnrolledPasskey {
  factorId: string;
  recoveryCodes: string[];
  authenticator: SoftwareAuthenticator;
}

export const bearer = (session: LoggedIn) => `Bearer ${session.accessToken}`;

/** Creation options for the session (POST /auth/mfa/webauthn/registration/options). */
export async function registrationOptions(t: TestApp, session: LoggedIn): Promise<CreationOptions> {
  const response = await t
    .http()
    .post('/auth/mfa/webauthn/registration/options')
    .set('Authorization', bearer(session))
    .send({});
  if (response.status !== 200)
    throw new Error(`registration options: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as CreationOptions;
}

/** Enrols a passkey through the real routes with a software authenticator. */
export async function enrolPasskey(
  t: TestApp,
  session: LoggedIn,
  authenticator = new SoftwareAuthenticator(PASSKEY_ORIGIN),
  label?: string,
): Promise<EnrolledPasskey> {
  const options = await registrationOptions(t, session);
  const registered = await t
    .http()
    .post('/auth/mfa/webauthn/registration')
    .set('Authorization', bearer(session))
    .send({ response: authenticator.register(options), ...(label && { label }) });
  if (registered.status !== 201)
    throw new Error(
      `passkey registration: ${registered.status} ${JSON.stringify(registered.body)}`,
    );
  return {
    factorId: registered.body.id as string,
    recoveryCodes: registered.body.recovery_codes as string[],
    authenticator,
  };
}

/** Options for a passwordless sign-in (POST /auth/passkey/options). */
export async function passkeyOptions(t: TestApp): Promise<RequestOptions> {
  const response = await t.http().post('/auth/passkey/options').send({});
  if (response.status !== 200)
    throw new Error(`passkey options: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as RequestOptions;
}
