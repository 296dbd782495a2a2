import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { KeyObject } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccessTokenService } from '../access-token.service';
import { AuthCookies } from '../auth-cookies';
import { RequestAuthenticator } from '../request-authenticator.service';
import type { Principal } from '../../common/access/principal';

type KeyDone = (error: Error | null, key?: string) => void;

/**
 * Reads the access JWT from `Authorization: Bearer` (API clients, Swagger UI) or the access cookie (SPA).
 * passport-jwt (jsonwebtoken) decodes it once; its header is inspected and its `kid` picks the key; then
 * signature, algorithm (the key's own: ES256, or HS256 for a legacy JWT_SECRET token), issuer and audience
 * are checked. Expiry and not-before are checked in RequestAuthenticator against the injectable Clock (hence
 * ignored here), then the session and user are loaded from the database.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    accessTokens: AccessTokenService,
    cookies: AuthCookies,
    private readonly authenticator: RequestAuthenticator,
  ) {
    const keyForHeader = (
      header: unknown,
      callback: (error: Error | null, key?: KeyObject) => void,
    ) => {
      accessTokens.verificationKeyForHeader(header).then(
        (key) => callback(null, key),
        (error: unknown) => callback(error as Error),
      );
    };
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([
        ExtractJwt.fromAuthHeaderAsBearerToken(),
        (request: FastifyRequest) => cookies.accessToken(request) ?? null,
      ]),
      // jsonwebtoken decodes the token once and hands its header to this callback, which picks the key by
      // `kid`: no second decode, and the callback is built once, not per request. The key is a KeyObject (a
      // string secret makes jsonwebtoken try createPublicKey() on every verify, ~40x slower); the typings only
      // admit string | Buffer.
      secretOrKeyProvider: (_request: unknown, _token: string, done: KeyDone) =>
        done(null, keyForHeader as unknown as string),
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
