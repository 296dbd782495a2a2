import type { Role } from './role';

/** The caller's account as the database says right now: what access decisions and `/auth/me` need, no secrets. */
export interface PrincipalUser {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  isActive: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
}

/** The account behind an authenticated request: its fields, and whether it has a confirmed second factor. */
export interface PrincipalAccount extends PrincipalUser {
  /** A confirmed TOTP app or passkey, as the database says right now. */
  hasSecondFactor: boolean;
}

/** The live session the request's access token belongs to. */
export interface PrincipalSession {
  id: string;
  userId: string;
  /** How the session was authenticated, and every check since (RFC 8176 values, see AuthMethod). */
  amr: string[];
  /** The last password or factor check on this session. */
  authTime: Date;
}

/** Who is calling, as the database says right now (not as the token claims). */
export interface Principal {
  user: PrincipalAccount;
  session: PrincipalSession;
}
