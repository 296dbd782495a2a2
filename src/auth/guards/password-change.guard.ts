import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthError, AuthErrorCode } from '../auth.error';
import { ALLOWS_PENDING_PASSWORD_CHANGE } from '../../common/access/authenticated.decorator';
import type { Principal } from '../../common/access/principal';

/** While `must_change_password` is set, only the routes that let the user change it are reachable. */
@Injectable()
export class PasswordChangeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const principal = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: Principal }>().user;
    if (!principal?.user?.mustChangePassword) return true;
    const allowed = this.reflector.getAllAndOverride<boolean>(ALLOWS_PENDING_PASSWORD_CHANGE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!allowed) throw new AuthError(AuthErrorCode.PasswordChangeRequired);
    return true;
  }
}
