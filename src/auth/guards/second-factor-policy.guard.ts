import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isMultiFactor } from '../../common/access/authentication-method';
import type { Principal } from '../../common/access/principal';
import type { Role } from '../../common/access/role';
import { ALLOWS_PENDING_MFA } from '../../common/access/second-factor-access.decorator';
import { AppConfig } from '../../config/app-config';
import { AuthError, AuthErrorCode } from '../auth.error';

/**
 * MFA_REQUIRED_ROLES: a session of such a role that did not use a second factor reaches only the routes that
 * let its user get one (`@AllowsPendingMfa()`: `/auth/me`, enrolment, reauthentication). Elsewhere: 403
 * MFA_ENROLMENT_REQUIRED when the user has no factor yet, REAUTHENTICATION_REQUIRED when they have one (the
 * session predates it: reauthenticating with the factor upgrades it). Costs nothing for any other session.
 */
@Injectable()
export class SecondFactorPolicyGuard implements CanActivate {
  private readonly requiredRoles: readonly Role[];

  constructor(
    private readonly reflector: Reflector,
    config: AppConfig,
  ) {
    this.requiredRoles = config.mfa.requiredRoles;
  }

  canActivate(context: ExecutionContext): boolean {
    const principal = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: Principal }>().user;
    if (!principal?.session || !this.requiredRoles.includes(principal.user.role)) return true;
    if (isMultiFactor(principal.session.amr)) return true;
    const allowed = this.reflector.getAllAndOverride<boolean>(ALLOWS_PENDING_MFA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (allowed) return true;
    throw new AuthError(
      principal.user.hasSecondFactor
        ? AuthErrorCode.ReauthenticationRequired
        : AuthErrorCode.MfaEnrolmentRequired,
    );
  }
}
