import type { AuthMethod } from '../../common/access/authentication-method';
import type { MfaMethod } from '../../common/access/mfa-method';
import type { IssuedChallenge } from './login-challenge/login-challenges.service';
import type { TokenGrant } from '../session-grants.service';
import type { LoginClient } from './login-client';

/** Where a login step ended: a session, or a challenge for the second factor. */
export type LoginOutcome =
  | {
      kind: 'granted';
      grant: TokenGrant;
      client: LoginClient;
      challengeAnswered: boolean;
      /** Who signed in, and how (the session's `amr`). */
      userId: string;
      amr: AuthMethod[];
    }
  | { kind: 'mfa_required'; challenge: IssuedChallenge; methods: MfaMethod[] };

export type GrantedLogin = Extract<LoginOutcome, { kind: 'granted' }>;
