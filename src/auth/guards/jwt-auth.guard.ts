import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AuthError, AuthErrorCode } from '../auth.error';
import { IS_PUBLIC } from '../../common/access/public.decorator';

/** Global: every route needs a live session unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic ? true : super.canActivate(context);
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
