import type { Session } from './entities/session.entity';

/**
 * The shapes a refresh-token rotation reads and writes, shared by SessionsRepository (the aggregate's
 * repository) and SessionRotationRepository (its prepared statements), so neither imports the other's types.
 */

/** A rotation to apply: the presented hash must still be the session's current one. */
export interface Rotation {
  sessionId: string;
  presentedHash: string;
  newHash: string;
  now: Date;
  idleExpiresAt: Date;
}

/** What a refresh must know of the account behind a session. */
export interface SessionAccount {
  isActive: boolean;
  mustChangePassword: boolean;
  /** For the audit rows of a refresh: the name as it is now. */
  username: string;
}

/** A session with its account; `account` is null when the user row is gone. */
export interface SessionWithAccount {
  session: Session;
  account: SessionAccount | null;
}
