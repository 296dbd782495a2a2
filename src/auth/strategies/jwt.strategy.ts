import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../../config/app-config';
import { AuthCookies } from '../auth-cookies';
import { AuthService } from '../auth.service';
import type { Principal } from '../principal';

/**
 * Reads the access JWT from `Authorization: Bearer` (API clients, Swagger UI) or the `aegis_token` cookie (SPA).
 * passport-jwt checks signature, algorithm (HS256 only), issuer and audience; expiry is checked in
 * AuthService against the injectable Clock (hence ignoreExpiration here), then the session and user
 * are loaded from the database.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([
        ExtractJwt.fromAuthHeaderAsBearerToken(),
        (request: FastifyRequest) => AuthCookies.accessToken(request) ?? null,
      ]),
      // A KeyObject (STACK.md trap 8); the typings only admit string | Buffer.
      secretOrKey: config.jwt.key as unknown as string,
      algorithms: ['HS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: true,
    });
  }

  validate(claims: unknown): Promise<Principal> {
    return this.auth.authenticate(claims);
  }
}
