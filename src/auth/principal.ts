import type { Session } from '../sessions/entities/session.entity';
import type { User } from '../users/entities/user.entity';

/** Who is calling, as the database says right now (not as the token claims). */
export interface Principal {
  user: User;
  session: Session;
}

/** The claims Aegis puts in an access token. */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}
