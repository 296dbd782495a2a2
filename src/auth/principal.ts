import type { Session } from '../sessions/entities/session.entity';
import type { User } from '../users/entities/user.entity';

/** Who is calling, as the database says right now (not as the token claims). */
export interface Principal {
  user: User;
  session: Session;
}

/** The claims of an Aegis access token; all of them are required. Times are seconds since the epoch. */
export interface AccessTokenClaims {
  iss: string;
  aud: string | string[];
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
}
