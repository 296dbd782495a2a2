import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccessTokenService } from '../access-token.service';
import { AuthCookies } from '../auth-cookies';
import { RequestAuthenticator } from '../request-authenticator.service';
import type { Principal } from '../../common/access/principal';

/**
 * Reads the access JWT from `Authorization: Bearer` (API clients, Swagger UI) or the access cookie (SPA).
 * The header is inspected first and its `kid` picks the key; passport-jwt then checks signature, algorithm
 * (HS256 only), issuer and audience. Expiry and not-before are checked in RequestAuthenticator against the injectable
 * Clock (hence ignored here), then the session and user are loaded from the database.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    accessTokens: AccessTokenService,
    cookies: AuthCookies,
    private readonly authenticator: RequestAuthenticator,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([
        ExtractJwt.fromAuthHeaderAsBearerToken(),
        (request: FastifyRequest) => cookies.accessToken(request) ?? null,
      ]),
      secretOrKeyProvider: (
        _request: unknown,
        token: string,
        done: (error: Error | null, key?: string) => void,
      ) => {
        try {
          // A KeyObject (a string secret makes jsonwebtoken try createPublicKey() on every verify, ~40x slower);
          // the typings only admit string | Buffer.
          done(null, accessTokens.verificationKeyFor(token) as unknown as string);
        } catch (error) {
          done(error as Error);
        }
      },
      algorithms: accessTokens.verifyOptions.algorithms,
      issuer: accessTokens.verifyOptions.issuer,
      audience: accessTokens.verifyOptions.audience,
      ignoreExpiration: true,
      jsonWebTokenOptions: { ignoreNotBefore: true },
    });
  }

  validate(claims: unknown): Promise<Principal> {
    return this.authenticator.authenticate(claims);
  }
}
