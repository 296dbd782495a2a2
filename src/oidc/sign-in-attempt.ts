import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyRequest } from 'fastify';
import type { VerifiedLogin } from '../auth/credential-verification.service';
import type { DomainError } from '../common/errors/domain-error';
import type { InteractionDetails } from './interaction-finisher.service';

/** What one POST of the hosted sign-in is: the password step (checked by SignInAttemptReader), or the code step. */
export type SignInAttempt =
  | { step: 'rate_limited'; retryAfterSeconds: number }
  | { step: 'expired' }
  | { step: 'password'; verified: VerifiedLogin; username: string }
  | { step: 'password'; error: DomainError | 'missing_fields'; username: string }
  | { step: 'code'; code: string | null }
  /** The passkey button's answer (what startAuthentication() returned), or null when it is not one. */
  | { step: 'passkey'; response: AuthenticationResponseJSON | null };

/** What SignInAttemptReader leaves on the request for the handler. */
export interface SignInRequestState {
  details: InteractionDetails | null;
  attempt: SignInAttempt;
}

export type RequestWithSignIn = FastifyRequest & {
  signIn?: SignInRequestState;
  /** Set by SignInThrottlerGuard when this client IP is over the login rate limit. */
  signInRateLimited?: { retryAfterSeconds: number };
};
