import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditAction } from '../../audit/audit-action';
import { RefusalAudit } from '../../audit/refusal-audit.service';
import { requestMetaOf } from '../../common/http/request-meta';
import { sessionIdOfRefreshToken } from '../../sessions/refresh-token';
import { AccessTokenService } from '../access-token.service';
import { AuthCookies } from '../auth-cookies';
import { AuthError, AuthErrorCode } from '../auth.error';

export const READS_REFRESH_COOKIE = 'aegis:readsRefreshCookie';

/** Marks a route that acts on the refresh cookie: there it must belong to the access cookie's session. */
export const ReadsRefreshCookie = () => SetMetadata(READS_REFRESH_COOKIE, true);

/**
 * Global, first: refuses a request whose Aegis cookies cannot be trusted to be the ones Aegis set, before any
 * of them is used. An Aegis cookie name sent twice (another site planted one) is never resolved by picking
 * one; on a route that uses the refresh cookie, an authentic access cookie of one session beside the refresh
 * cookie of another is a planted refresh cookie (the victim would be switched into the attacker's session).
 * Either way: 401, every Aegis cookie the request carried cleared, the refusal audited (rate-limited).
 */
@Injectable()
export class CookieIntegrityGuard implements CanActivate {
  constructor(
    private readonly cookies: AuthCookies,
    private readonly accessTokens: AccessTokenService,
    private readonly reflector: Reflector,
    private readonly refusals: RefusalAudit,
  ) {}

  /** Synchronous unless it refuses: a request without cookies (every API client) pays no await. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.headers.cookie === undefined) return true;
    const duplicated = this.cookies.duplicated(request);
    if (duplicated.length > 0) {
      return this.refuse(context, AuthErrorCode.AmbiguousCookies, { names: duplicated.join(',') });
    }
    if (this.reflector.get<boolean>(READS_REFRESH_COOKIE, context.getHandler())) {
      const access = this.cookies.accessToken(request);
      const refresh = this.cookies.refreshToken(request);
      const claims = access && refresh ? this.accessTokens.readIgnoringExpiry(access) : null;
      if (claims && refresh && claims.sid !== sessionIdOfRefreshToken(refresh)) {
        return this.refuse(context, AuthErrorCode.CookieSessionMismatch, {});
      }
    }
    return true;
  }

  private async refuse(
    context: ExecutionContext,
    code: AuthErrorCode,
    details: Record<string, string>,
  ): Promise<never> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    this.cookies.clearEverywhere(request, http.getResponse<FastifyReply>());
    await this.refusals.record({
      action: AuditAction.AccessDenied,
      reason: code.toLowerCase(),
      resourceType: 'http',
      resourceId: `${request.method} ${request.routeOptions.url ?? ''}`.slice(0, 128),
      details,
      meta: requestMetaOf(request),
    });
    throw new AuthError(code);
  }
}
