/** How a login attempt ended, as counted by `aegis_logins_total{outcome}`. */
export type LoginOutcome =
  'success' | 'invalid_credentials' | 'account_disabled' | 'rate_limited' | 'throttled';

/** Whether a refresh rotated the token or was served inside the reuse grace window. */
export type RefreshResult = 'rotated' | 'grace';

/**
 * Where the principal check of an authenticated request got its row: the principal cache (`hit`), the
 * database after a miss, or the database because the cache was not serving (`bypass`: disabled, its
 * invalidation feed down, or inside a transaction).
 */
export type PrincipalLookup = 'hit' | 'miss' | 'bypass';

/**
 * What auth and sessions report for metrics: a thin port, so they never touch prom-client. This base class
 * counts nothing (unit specs construct services with it); the app injects {@link PrometheusAuthMetrics}.
 * Successes count only once their unit of work commits: a login rolled back is not a login.
 */
export class AuthMetrics {
  loginAttempted(_outcome: LoginOutcome): void {}

  tokenRefreshed(_result: RefreshResult): void {}

  refreshTokenReuseDetected(): void {}

  principalLookedUp(_lookup: PrincipalLookup): void {}
}
