/**
 * Second factors in the browser client: answering MFA_REQUIRED (a code from the app, or a passkey), signing in
 * with a passkey alone, and enrolling factors. The WebAuthn ceremonies run through @simplewebauthn/browser,
 * passed in by the application (`webauthn` option): this client stays free of dependencies.
 */
import { AegisError, jsonInit, readJson, type TokenResponse } from './http.js';

/** The two functions of @simplewebauthn/browser (v13+) the client calls; pass the module itself. */
export interface WebAuthnBrowser {
  startRegistration(args: { optionsJSON: never }): Promise<unknown>;
  startAuthentication(args: { optionsJSON: never }): Promise<unknown>;
}

export type MfaMethod = 'totp' | 'webauthn' | 'recovery_code';

/** What MFA_REQUIRED said, and why the previous answer (if any) was refused. */
export interface MfaPrompt {
  methods: MfaMethod[];
  expiresIn: number;
  /** The problem code of the previous answer (MFA_CODE_INVALID, MFA_CODE_REUSED, …); absent the first time. */
  previousError?: string;
}

/** How the user answers: a code, or the passkey ceremony. Null gives up (login() throws MFA_REQUIRED). */
export type MfaAnswer =
  { method: 'totp' | 'recovery_code'; code: string } | { method: 'webauthn' } | null;

export type OnMfaRequired = (prompt: MfaPrompt) => MfaAnswer | Promise<MfaAnswer>;

export interface Factor {
  id: string;
  kind: 'totp' | 'webauthn';
  label: string | null;
  created_at: string;
  last_used_at: string | null;
}

export interface PendingTotp {
  id: string;
  secret: string;
  otpauth_uri: string;
  /** An SVG document: show it as an image (e.g. a data: URL), never as HTML. */
  qr_svg: string;
}

export interface EnrolledPasskey extends Factor {
  /** 10 codes when this is the account's first factor (show them once), else empty. */
  recovery_codes: string[];
}

export type ReauthenticationProof =
  { password: string } | { method: 'totp' | 'recovery_code'; code: string };

export interface SecondFactorApi {
  /** Answers the pending MFA_REQUIRED challenge (aegis_mfa cookie) once; throws AegisError when refused. */
  verifySecondFactor(answer: Exclude<MfaAnswer, null>): Promise<TokenResponse>;
  /** Passwordless: a discoverable passkey with user verification. Needs the `webauthn` option. */
  signInWithPasskey(): Promise<TokenResponse>;
  factors(): Promise<{ factors: Factor[]; recovery_codes_left: number }>;
  enrolTotp(label?: string): Promise<PendingTotp>;
  /** The recovery codes (shown once) when this is the first factor, else an empty list. */
  confirmTotp(id: string, code: string): Promise<string[]>;
  /** Runs the registration ceremony. Needs the `webauthn` option. */
  enrolPasskey(label?: string): Promise<EnrolledPasskey>;
  removeFactor(id: string): Promise<void>;
  regenerateRecoveryCodes(): Promise<string[]>;
  /** Enrolment needs a recent check (REAUTHENTICATION_REQUIRED otherwise): a password or a code renews it. */
  reauthenticate(proof: ReauthenticationProof): Promise<void>;
}

interface Deps {
  /** A request to Aegis with credentials, no refresh (login steps). */
  send: (path: string, init?: RequestInit) => Promise<Response>;
  /** A request with the silent refresh (signed-in routes). */
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
  /** Records a completed login (refresh bookkeeping shared across tabs). */
  signedIn: (tokens: TokenResponse) => Promise<TokenResponse>;
  webauthn?: WebAuthnBrowser;
  onMfaRequired?: OnMfaRequired;
}

const CHALLENGE_DEAD = new Set(['MFA_CHALLENGE_EXPIRED', 'ACCOUNT_THROTTLED']);
/** Aegis kills a challenge after 5 wrong answers; a cancelled ceremony costs none, so allow a few more. */
const MAX_ANSWERS = 10;

export function createSecondFactor(deps: Deps) {
  const webauthn = (): WebAuthnBrowser => {
    if (!deps.webauthn)
      throw new Error('Passkeys need the `webauthn` option (the @simplewebauthn/browser module)');
    return deps.webauthn;
  };
  const post = async <T>(path: string, body: unknown, signedIn = false): Promise<T> =>
    readJson<T>(await (signedIn ? deps.fetch : deps.send)(path, jsonInit(body)));

  async function verifySecondFactor(answer: Exclude<MfaAnswer, null>): Promise<TokenResponse> {
    if (answer.method !== 'webauthn')
      return deps.signedIn(await post<TokenResponse>('/auth/mfa/verify', answer));
    const optionsJSON = await post<object>('/auth/mfa/webauthn/options', {});
    const response = await webauthn().startAuthentication({ optionsJSON: optionsJSON as never });
    return deps.signedIn(
      await post<TokenResponse>('/auth/mfa/verify', { method: 'webauthn', response }),
    );
  }

  /**
   * The end of POST /auth/login: the tokens, or — on MFA_REQUIRED with an `onMfaRequired` handler — its
   * answers until one is accepted, the handler gives up, or the challenge dies (5 wrong answers, 5 minutes).
   */
  async function settleLogin(response: Response): Promise<TokenResponse> {
    if (response.ok) return deps.signedIn(await readJson<TokenResponse>(response));
    const problem = (await response
      .clone()
      .json()
      .catch(() => undefined)) as
      { code?: string; methods?: MfaMethod[]; expires_in?: number } | undefined;
    if (response.status !== 401 || problem?.code !== 'MFA_REQUIRED' || !deps.onMfaRequired)
      return readJson<TokenResponse>(response);
    let previousError: string | undefined;
    for (let round = 1; ; round++) {
      const answer = await deps.onMfaRequired({
        methods: problem.methods ?? [],
        expiresIn: problem.expires_in ?? 0,
        ...(previousError && { previousError }),
      });
      if (!answer) throw new AegisError(401, 'MFA_REQUIRED', problem);
      try {
        return await verifySecondFactor(answer);
      } catch (error) {
        // A wrong code or a cancelled ceremony may be tried again; a dead challenge may not.
        const code = error instanceof AegisError ? error.code : (error as Error).name;
        if (error instanceof AegisError && CHALLENGE_DEAD.has(code ?? '')) throw error;
        if (round >= MAX_ANSWERS) throw error;
        previousError = code;
      }
    }
  }

  const api: SecondFactorApi = {
    verifySecondFactor,
    async signInWithPasskey() {
      const optionsJSON = await post<object>('/auth/passkey/options', {});
      const response = await webauthn().startAuthentication({ optionsJSON: optionsJSON as never });
      return deps.signedIn(await post<TokenResponse>('/auth/passkey/login', { response }));
    },
    async factors() {
      return readJson(await deps.fetch('/auth/mfa'));
    },
    enrolTotp: (label) => post<PendingTotp>('/auth/mfa/totp', label ? { label } : {}, true),
    async confirmTotp(id, code) {
      const body = await post<{ recovery_codes: string[] }>(
        `/auth/mfa/totp/${encodeURIComponent(id)}/confirm`,
        { code },
        true,
      );
      return body.recovery_codes;
    },
    async enrolPasskey(label) {
      const optionsJSON = await post<object>('/auth/mfa/webauthn/registration/options', {}, true);
      const response = await webauthn().startRegistration({ optionsJSON: optionsJSON as never });
      return post<EnrolledPasskey>(
        '/auth/mfa/webauthn/registration',
        { response, ...(label && { label }) },
        true,
      );
    },
    async removeFactor(id) {
      await readJson(await deps.fetch(`/auth/mfa/${encodeURIComponent(id)}`, { method: 'DELETE' }));
    },
    async regenerateRecoveryCodes() {
      return (await post<{ recovery_codes: string[] }>('/auth/mfa/recovery-codes', {}, true))
        .recovery_codes;
    },
    async reauthenticate(proof) {
      await post('/auth/reauthenticate', proof, true);
    },
  };
  return { api, settleLogin };
}
