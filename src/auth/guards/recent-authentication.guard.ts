import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../common/access/principal';
import { REQUIRES_RECENT_AUTHENTICATION } from '../../common/access/second-factor-access.decorator';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { AuthError, AuthErrorCode } from '../auth.error';

/** `@RequiresRecentAuthentication()`: the session's last password or factor check is within REAUTH_WINDOW. */
@Injectable()
export class RecentAuthenticationGuard implements CanActivate {
  private readonly windowMs: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.windowMs = config.mfa.reauthWindowMs;
  }

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<boolean>(REQUIRES_RECENT_AUTHENTICATION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required) return true;
    const principal = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: Principal }>().user;
    const authTime = principal?.session?.authTime;
    if (!authTime || this.clock.now().getTime() - authTime.getTime() > this.windowMs)
      throw new AuthError(AuthErrorCode.ReauthenticationRequired);
    return true;
  }
}
