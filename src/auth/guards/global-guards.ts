import type { Type } from '@nestjs/common';
import { CookieIntegrityGuard } from './cookie-integrity.guard';
import { CrossOriginGuard } from './cross-origin.guard';
import { JwtAuthGuard } from './jwt-auth.guard';
import { PasswordChangeGuard } from './password-change.guard';
import { RecentAuthenticationGuard } from './recent-authentication.guard';
import { RolesGuard } from './roles.guard';
import { SecondFactorPolicyGuard } from './second-factor-policy.guard';

/**
 * The guards every route passes, in the order they run (Nest runs global guards in registration order), each
 * with the reason it is there. Deny by default: a route that declares nothing needs an authenticated principal.
 * docs/contributing.md lists the same guards in the same order (a test compares them).
 */
export const GLOBAL_GUARDS: ReadonlyArray<{ guard: Type; reason: string }> = [
  {
    guard: CookieIntegrityGuard,
    reason:
      'an Aegis cookie sent twice, or a refresh cookie of another session than the access cookie, is a planted cookie: 401 before anything reads it',
  },
  {
    guard: CrossOriginGuard,
    reason:
      'a cookie-authenticated write from another site is refused (CSRF_REJECTED), whatever the route does next',
  },
  {
    guard: JwtAuthGuard,
    reason:
      'authentication: the access token and its live session, unless the route is @Public(); this is what denies by default',
  },
  {
    guard: PasswordChangeGuard,
    reason: 'an account that must change its password reaches only the routes that let it do so',
  },
  {
    guard: SecondFactorPolicyGuard,
    reason: 'a role listed in MFA_REQUIRED_ROLES needs a session signed in with a second factor',
  },
  {
    guard: RolesGuard,
    reason: 'the roles a route asks for (@Authenticated({ roles }))',
  },
  {
    guard: RecentAuthenticationGuard,
    reason: 'routes that ask for it need an authentication within REAUTH_WINDOW',
  },
];
