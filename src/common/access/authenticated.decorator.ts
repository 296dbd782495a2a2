import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiOAuth2,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Role } from './role';

export const REQUIRED_ROLES = 'aegis:requiredRoles';
export const ALLOWS_PENDING_PASSWORD_CHANGE = 'aegis:allowsPendingPasswordChange';

export interface AuthenticatedOptions {
  /** Roles of which the caller needs one (read from the database on every request). */
  roles?: Role[];
  /** Reachable while the user must still change their password (`/auth/me`, change-password). */
  allowPendingPasswordChange?: boolean;
}

/**
 * Authentication is global (deny by default); this decorator states a route's requirements and documents
 * them in OpenAPI from the same place, so the document cannot disagree with the guards.
 */
export function Authenticated(options: AuthenticatedOptions = {}) {
  // Metadata is set only when given, so a bare @Authenticated() on a handler never overrides class-level roles.
  return applyDecorators(
    ...(options.roles?.length ? [SetMetadata(REQUIRED_ROLES, options.roles)] : []),
    ...(options.allowPendingPasswordChange
      ? [SetMetadata(ALLOWS_PENDING_PASSWORD_CHANGE, true)]
      : []),

    ApiBearerAuth(),
    ApiCookieAuth(),
    ApiOAuth2([]),
    ApiUnauthorizedResponse({ description: 'No valid access token, or the session has ended' }),
    ...(options.roles?.length || !options.allowPendingPasswordChange
      ? [
          ApiForbiddenResponse({
            description: 'Insufficient role, or a password change is required first',
          }),
        ]
      : []),
  );
}
