/** What a write may change in the principal check: one session, every session of a user, or anything. */
export type PrincipalTarget = { sessionId: string } | { userId: string } | 'all';

/** Which sessions just ended: some by id, or (an account-wide revocation) every ended session of a user. */
export type EndedSessions = { sessionIds: string[] } | { userId: string };

/**
 * Every event one feature publishes for others to react to, with its payload. The owner of the change publishes;
 * the listeners subscribe with `@OnAppEvent`; neither imports the other.
 */
export interface AppEvents {
  /** A write that can change what the principal check reads is about to run (published before it). */
  'principal.changing': PrincipalTarget;
  /** The transaction holding that write has ended, committed or rolled back (at once outside a unit of work). */
  'principal.changed': PrincipalTarget;
  /** Sessions were revoked (logout, password change, admin action); published once the revocation committed. */
  'session.ended': EndedSessions;
  /** An account was disabled; published once the change committed. */
  'user.disabled': { userId: string };
}

export type AppEventName = keyof AppEvents;
