import {
  ALLOWS_PENDING_PASSWORD_CHANGE,
  REQUIRED_ROLES,
} from '../common/access/authenticated.decorator';
import { IS_PUBLIC } from '../common/access/public.decorator';
import {
  ALLOWS_PENDING_MFA,
  REQUIRES_RECENT_AUTHENTICATION,
} from '../common/access/second-factor-access.decorator';
import type { Role } from '../common/access/role';
import {
  describeProblem,
  routeMetadata,
  type ProblemSource,
} from '../common/errors/route-problems';
import { AuthError, AuthErrorCode } from './auth.error';
import { READS_REFRESH_COOKIE } from './guards/cookie-integrity.guard';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const problem = (code: AuthErrorCode) => describeProblem(new AuthError(code));

/**
 * What the global guards answer, from the same metadata they read: a planted duplicate cookie (any route), a
 * cross-site write (any unsafe method), a missing or refused token (routes without @Public), a pending
 * password change, a missing role, a refresh cookie of another session, a second factor the role requires,
 * a reauthentication too long ago.
 */
export const authRouteProblems: ProblemSource = (route) => {
  const problems = [problem(AuthErrorCode.AmbiguousCookies)];
  if (!SAFE_METHODS.has(route.method)) problems.push(problem(AuthErrorCode.CrossOriginRejected));
  if (routeMetadata<boolean>(route, READS_REFRESH_COOKIE)) {
    problems.push(problem(AuthErrorCode.CookieSessionMismatch));
  }
  if (routeMetadata<boolean>(route, IS_PUBLIC)) return problems;
  problems.push(
    problem(AuthErrorCode.Unauthenticated),
    problem(AuthErrorCode.InvalidToken),
    problem(AuthErrorCode.TokenExpired),
    problem(AuthErrorCode.SessionEnded),
  );
  if (!routeMetadata<boolean>(route, ALLOWS_PENDING_PASSWORD_CHANGE)) {
    problems.push(problem(AuthErrorCode.PasswordChangeRequired));
  }
  if (routeMetadata<Role[]>(route, REQUIRED_ROLES)?.length) {
    problems.push(problem(AuthErrorCode.InsufficientRole));
  }
  // MFA_REQUIRED_ROLES: a session of such a role without a second factor reaches only @AllowsPendingMfa routes.
  if (!routeMetadata<boolean>(route, ALLOWS_PENDING_MFA)) {
    problems.push(
      problem(AuthErrorCode.MfaEnrolmentRequired),
      problem(AuthErrorCode.ReauthenticationRequired),
    );
  }
  if (routeMetadata<boolean>(route, REQUIRES_RECENT_AUTHENTICATION)) {
    problems.push(problem(AuthErrorCode.ReauthenticationRequired));
  }
  return problems;
};
