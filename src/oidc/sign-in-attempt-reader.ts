import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthCookies } from '../auth/auth-cookies';
import { CredentialVerificationService } from '../auth/credential-verification.service';
import { readPasskeyAnswer } from '../auth/login/passkey-answer';
import { DomainError } from '../common/errors/domain-error';
import { requestMetaOf } from '../common/http/request-meta';
import { validateBody } from '../common/http/validation';
import { SignInDto } from './dto/sign-in.dto';
import { InteractionFinisher } from './interaction-finisher.service';
import type { RequestWithSignIn, SignInAttempt } from './sign-in-attempt';

/** Longest code accepted from the form (a recovery code with spaces and dashes fits easily). */
const CODE_MAX_LENGTH = 64;

/**
 * Runs before the handler's unit of work opens: reads the interaction (an expired one costs no password check),
 * and for the password step checks the username and password with the same service as /auth/login (per-account
 * lockout, the timing-equal check, audit of failures; the lockout counts the attempt in a transaction of its
 * own). A form with a `code` field is the code step, one with `passkey` the passkey button's answer; the handler
 * answers either first thing (its attempt is counted the same way). Never refuses: the page shows what went
 * wrong. Not a guard, though registered as one: a guard is the last hook that runs after the sign-in
 * throttler and before the unit-of-work interceptor.
 */
@Injectable()
export class SignInAttemptReader implements CanActivate {
  constructor(
    private readonly credentials: CredentialVerificationService,
    private readonly cookies: AuthCookies,
    private readonly interactions: InteractionFinisher,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithSignIn>();
    if (request.signInRateLimited) {
      request.signIn = {
        details: null,
        attempt: { step: 'rate_limited', ...request.signInRateLimited },
      };
      return true;
    }
    const details = await this.interactions.details(request, http.getResponse<FastifyReply>());
    request.signIn = {
      details,
      attempt: details?.prompt.name === 'login' ? await this.attempt(request) : { step: 'expired' },
    };
    return true;
  }

  private async attempt(request: FastifyRequest): Promise<SignInAttempt> {
    const body = request.body as Record<string, unknown> | undefined;
    if (body && 'code' in body) {
      const code = typeof body.code === 'string' ? body.code.trim() : '';
      return {
        step: 'code',
        code: code === '' || code.length > CODE_MAX_LENGTH ? null : code,
      };
    }
    if (body && 'passkey' in body)
      return { step: 'passkey', response: await readPasskeyAnswer(body.passkey) };
    const username = typeof body?.username === 'string' ? body.username.slice(0, 256) : '';
    let dto: SignInDto;
    try {
      dto = await validateBody(SignInDto, body);
    } catch {
      return { step: 'password', error: 'missing_fields', username };
    }
    try {
      const verified = await this.credentials.verify(
        dto.username,
        dto.password,
        requestMetaOf(request),
        { deviceToken: this.cookies.deviceToken(request) },
      );
      return { step: 'password', verified, username };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { step: 'password', error, username };
    }
  }
}
