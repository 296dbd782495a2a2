import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../../audit/audit-action';
import { RefusalAudit } from '../../audit/refusal-audit.service';
import { requestMetaOf } from '../../common/http/request-meta';
import type { Role } from '../../common/access/role';
import { AuthError, AuthErrorCode } from '../auth.error';
import { REQUIRED_ROLES } from '../../common/access/authenticated.decorator';
import type { Principal } from '../../common/access/principal';

/**
 * Enforces `@Authenticated({ roles })` with the role read from the database on this request.
 * A refusal is audited (ACCESS_DENIED) in its own transaction, at most once per client network and window.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly refusals: RefusalAudit,
  ) {}

  /** Synchronous unless it refuses. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles || roles.length === 0) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const principal = request.user;
    if (principal && roles.includes(principal.user.role)) return true;
    return this.refuse(request, roles, principal);
  }

  private async refuse(
    request: FastifyRequest,
    roles: Role[],
    principal: Principal | undefined,
  ): Promise<never> {
    await this.refusals.record({
      action: AuditAction.AccessDenied,
      reason: 'insufficient_role',
      actorUserId: principal?.user.id ?? null,
      resourceType: 'route',
      resourceId: `${request.method} ${request.routeOptions.url ?? request.url}`.slice(0, 128),
      details: {
        required_roles: roles.join(','),
        role: principal?.user.role ?? null,
      },
      meta: requestMetaOf(request),
    });
    throw new AuthError(AuthErrorCode.InsufficientRole);
  }
}
