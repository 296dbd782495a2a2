import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../../audit/audit-action';
import { AuditService } from '../../audit/audit.service';
import { requestMetaOf } from '../../common/http/request-meta';
import type { Role } from '../../users/entities/user.entity';
import { AuthError, AuthErrorCode } from '../auth.error';
import { REQUIRED_ROLES } from '../decorators/authenticated.decorator';
import type { Principal } from '../principal';

/** Enforces `@Authenticated({ roles })` with the role read from the database on this request. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles || roles.length === 0) return true;
    const principal = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: Principal }>().user;
    if (!principal || !roles.includes(principal.user.role))
      throw new AuthError(AuthErrorCode.InsufficientRole);
    return true;
  }
}
