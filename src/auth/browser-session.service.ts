import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { PrincipalUser } from '../common/access/principal';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors/domain-error';
import { isSessionLiveAt } from '../sessions/entities/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { AccessTokenService } from './access-token.service';
import { AuthCookies } from './auth-cookies';
import { RequestAuthenticator } from './request-authenticator.service';

/** A browser's live Aegis session and its user, as the database says now. */
export interface BrowserSession {
  user: PrincipalUser;
  sessionId: string;
  /** When the user signed in (the session's start): the OpenID `auth_time`. */
  authenticatedAt: Date;
  /** How the session was authenticated (RFC 8176 values, see AuthMethod). */
  amr: string[];
}

/**
 * The Aegis session a browser already has (the SPA's cookies), for pages outside the SPA such as the OpenID
 * provider's sign-in: the access cookie if it is still valid, else the refresh cookie when it reaches the page
 * (secure cookies are sent on every path). Nothing is rotated or extended: this only reads.
 */
@Injectable()
export class BrowserSessionService {
  constructor(
    private readonly cookies: AuthCookies,
    private readonly accessTokens: AccessTokenService,
    private readonly authenticator: RequestAuthenticator,
    private readonly sessions: SessionsService,
    private readonly clock: Clock,
  ) {}

  async recognise(request: FastifyRequest): Promise<BrowserSession | null> {
    if (this.cookies.duplicated(request).length > 0) return null;
    const sessionId =
      (await this.fromAccessCookie(request)) ?? (await this.fromRefreshCookie(request));
    if (sessionId === null) return null;
    const found = await this.sessions.findPrincipal(sessionId);
    if (!found || !found.user.isActive || !isSessionLiveAt(found.session, this.clock.now()))
      return null;
    return {
      user: found.user,
      sessionId,
      authenticatedAt: found.session.authTime,
      amr: found.session.amr,
    };
  }

  private async fromAccessCookie(request: FastifyRequest): Promise<string | null> {
    const access = this.cookies.accessToken(request);
    const claims = access === undefined ? null : this.accessTokens.readIgnoringExpiry(access);
    if (!claims) return null;
    const principal = await this.authenticator.authenticate(claims).catch(ignoreDomainError);
    return principal?.session.id ?? null;
  }

  private async fromRefreshCookie(request: FastifyRequest): Promise<string | null> {
    const refresh = this.cookies.refreshToken(request);
    if (refresh === undefined) return null;
    const presented = await this.sessions.identify(refresh).catch(ignoreDomainError);
    // Only the current token proves the session: a retired one could be a stolen copy.
    if (!presented || presented.hash !== presented.session.refreshTokenHash) return null;
    return presented.session.id;
  }
}

function ignoreDomainError(error: unknown): null {
  if (error instanceof DomainError) return null;
  throw error;
}
