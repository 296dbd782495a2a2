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
  user: PrincipalUser;
  session: PrincipalSession;
}
