import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/access/principal';
import { Clock } from '../common/clock';
import { isSessionLiveAt } from '../sessions/entities/session.entity';
import { SessionsService } from '../sessions/sessions.service';
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
    private readonly sessions: SessionsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Turns verified token claims into a principal, from the database as it is now: the session must be live
   * and the user active at this moment, whatever the token says.
   */
  async authenticate(claims: unknown): Promise<Principal> {
    if (!isAccessTokenClaims(claims)) throw new AuthError(AuthErrorCode.InvalidToken);
    const now = this.clock.now();
    const nowMs = now.getTime();
    const skew = MAX_CLOCK_SKEW_SECONDS * 1000;
    if (claims.nbf * 1000 > nowMs + skew || claims.iat * 1000 > nowMs + skew)
      throw new AuthError(AuthErrorCode.InvalidToken);
    if (claims.exp * 1000 + skew <= nowMs) throw new AuthError(AuthErrorCode.TokenExpired);
    const found = await this.sessions.findPrincipal(claims.sid);
    if (
      !found ||
      !isSessionLiveAt(found.session, now) ||
      found.user.id !== claims.sub ||
      !found.user.isActive
    ) {
      throw new AuthError(AuthErrorCode.SessionEnded);
    }
    return found;
  }
}
