import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuthCookies } from '../auth-cookies';
import { TokenResponseDto } from '../dto/token-response.dto';
import type { LoginOutcome } from './login-outcome';
import { mfaRequiredError } from './mfa-required.error';

/**
 * The one way a login step answers, whichever route completed it (password, second factor, passkey): the
 * cookies and body of a session, or 401 MFA_REQUIRED with the challenge (body and cookie).
 */
@Injectable()
export class LoginResponder {
  constructor(private readonly cookies: AuthCookies) {}

  answer(outcome: LoginOutcome, reply: FastifyReply): TokenResponseDto {
    if (outcome.kind === 'mfa_required') {
      const { challenge, methods } = outcome;
      this.cookies.issueMfaChallenge(reply, challenge.token, challenge.expiresInSeconds);
      throw mfaRequiredError(challenge, methods);
    }
    this.cookies.issue(reply, outcome.grant);
    if (outcome.challengeAnswered) this.cookies.clearMfaChallenge(reply);
    return TokenResponseDto.from(outcome.grant, outcome.client === 'api');
  }
}
