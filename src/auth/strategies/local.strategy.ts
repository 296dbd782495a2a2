import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { requestMetaOf } from '../../common/http/request-meta';
import { AuthCookies } from '../auth-cookies';
import {
  CredentialVerificationService,
  type VerifiedLogin,
} from '../credential-verification.service';

/** Username and password from the OAuth2 password form or a JSON body. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(
    private readonly credentials: CredentialVerificationService,
    private readonly cookies: AuthCookies,
  ) {
    super({
      usernameField: 'username',
      passwordField: 'password',
      passReqToCallback: true,
      session: false,
    });
  }

  validate(request: FastifyRequest, username: string, password: string): Promise<VerifiedLogin> {
    return this.credentials.verify(username, password, requestMetaOf(request), {
      deviceToken: this.cookies.deviceToken(request),
    });
  }
}
