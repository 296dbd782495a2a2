import { SetMetadata } from '@nestjs/common';

export const ALLOWS_PENDING_MFA = 'aegis:allowsPendingMfa';
export const REQUIRES_RECENT_AUTHENTICATION = 'aegis:requiresRecentAuthentication';

/**
 * Reachable by a session that still lacks the second factor its role requires: the routes that let the user
 * enrol one or prove one (`/auth/me`, enrolment, reauthentication, password change).
 */
export const AllowsPendingMfa = () => SetMetadata(ALLOWS_PENDING_MFA, true);

/**
 * Needs a password or second-factor check within REAUTH_WINDOW on this session (a stolen session alone cannot
 * change how the account signs in); else 403 REAUTHENTICATION_REQUIRED, renewed by POST /auth/reauthenticate.
 */
export const RequiresRecentAuthentication = () => SetMetadata(REQUIRES_RECENT_AUTHENTICATION, true);
