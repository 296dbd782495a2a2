import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/access/principal';
import { Clock } from '../common/clock';
import { LivePrincipals } from '../sessions/principal-cache/live-principals';
import { isAccessTokenClaims } from './access-token-claims';
import { AuthError, AuthErrorCode } from './auth.error';

/**
 * Tolerated clock difference between the instance that signed a token and the one checking it
 * (RFC 7519 "small leeway"; at most 60 s by Aegis' own rule).
 */
export const MAX_CLOCK_SKEW_SECONDS = 30;

/** The one check every authenticated request pays: are this token's session and user alive right now? */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly principals: LivePrincipals,
    private readonly clock: Clock,
  ) {}

  /**
   * Turns verified token claims into a principal, from the database as it is now: the session must be live
   * and the user active at this moment, whatever the token says (the principal cache only saves the read;
   * every write that could change this answer reaches it first, see LivePrincipals).
   */
  async authenticate(claims: unknown): Promise<Principal> {
    if (!isAccessTokenClaims(claims)) throw new AuthError(AuthErrorCode.InvalidToken);
    const now = this.clock.now();
    const nowMs = now.getTime();
    const skew = MAX_CLOCK_SKEW_SECONDS * 1000;
    if (claims.nbf * 1000 > nowMs + skew || claims.iat * 1000 > nowMs + skew)
      throw new AuthError(AuthErrorCode.InvalidToken);
    if (claims.exp * 1000 + skew <= nowMs) throw new AuthError(AuthErrorCode.TokenExpired);
    const found = await this.principals.find(claims.sid, claims.sub, now);
    if (!found) throw new AuthError(AuthErrorCode.SessionEnded);
    return found;
  }
}
