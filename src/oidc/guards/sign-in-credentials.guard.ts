import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthCookies } from '../../auth/auth-cookies';
import {
  CredentialVerificationService,
  type VerifiedLogin,
} from '../../auth/credential-verification.service';
import { DomainError } from '../../common/errors/domain-error';
import { requestMetaOf } from '../../common/http/request-meta';
import { validateBody } from '../../common/http/validation';
import { SignInDto } from '../dto/sign-in.dto';

/** What the password step of the hosted sign-in found: a verified login, or the error to show on the form. */
export type SignInAttempt =
  | { verified: VerifiedLogin; username: string }
  | { error: DomainError | 'missing_fields'; username: string };

export type RequestWithSignIn = FastifyRequest & { signInAttempt?: SignInAttempt };

/**
 * Checks the posted username and password with the same service as /auth/login (per-account lockout, the
 * timing-equal check, audit of failures), before the handler's unit of work opens (the lockout counts the
 * attempt in a transaction of its own). Never refuses: the page shows what went wrong.
 */
@Injectable()
export class SignInCredentialsGuard implements CanActivate {
  constructor(
    private readonly credentials: CredentialVerificationService,
    private readonly cookies: AuthCookies,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithSignIn>();
    const body = request.body as Record<string, unknown> | undefined;
    const username = typeof body?.username === 'string' ? body.username.slice(0, 256) : '';
    let dto: SignInDto;
    try {
      dto = await validateBody(SignInDto, body);
    } catch {
      request.signInAttempt = { error: 'missing_fields', username };
      return true;
    }
    try {
      const verified = await this.credentials.verify(
        dto.username,
        dto.password,
        requestMetaOf(request),
        { deviceToken: this.cookies.deviceToken(request) },
      );
      request.signInAttempt = { verified, username };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      request.signInAttempt = { error, username };
    }
    return true;
  }
}
