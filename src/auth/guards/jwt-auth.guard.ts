import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../../audit/audit-action';
import { RefusalAudit } from '../../audit/refusal-audit.service';
import { requestMetaOf } from '../../common/http/request-meta';
import { AuthError, AuthErrorCode } from '../auth.error';
import { IS_PUBLIC } from '../../common/access/public.decorator';

/** Global: every route needs a live session unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly refusals: RefusalAudit,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    try {
      return (await super.canActivate(context)) as boolean;
    } catch (error) {
      // A token that is not Aegis's (forged, tampered, foreign claims) is an attack signal; an expired one or
      // one of an ended session is everyday life (the client refreshes or signs in again).
      if (error instanceof AuthError && error.code === (AuthErrorCode.InvalidToken as string)) {
        const request = context.switchToHttp().getRequest<FastifyRequest>();
        await this.refusals.record({
          action: AuditAction.TokenRejected,
          reason: 'invalid_token',
          resourceType: 'http',
          resourceId: `${request.method} ${request.routeOptions.url ?? ''}`.slice(0, 128),
          meta: requestMetaOf(request),
        });
      }
      throw error;
    }
  }

  override handleRequest<TUser>(error: unknown, principal: TUser | false, info: unknown): TUser {
    // Passport hands back whatever the strategy threw: our domain errors, rethrown unchanged.
    if (error) throw error as Error;
    if (!principal) {
      // passport-jwt reports a missing token as an Error with this message, a bad one as a JsonWebTokenError.
      const missing = info instanceof Error && /No auth token/i.test(info.message);
      throw new AuthError(
        missing || !info ? AuthErrorCode.Unauthenticated : AuthErrorCode.InvalidToken,
      );
    }
    return principal;
  }
}
