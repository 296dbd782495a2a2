import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import type { Session } from '../sessions/entities/session.entity';
import type { AccessTokenClaims } from './principal';

export interface IssuedAccessToken {
  token: string;
  /** Seconds until it expires. */
  expiresIn: number;
}

/** Signs and reads access JWTs: HS256 pinned, `iss`/`aud` checked, lifetime never beyond the session's. */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  issue(session: Session): IssuedAccessToken {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const sessionEnd = Math.floor(session.absoluteExpiresAt.getTime() / 1000);
    const exp = Math.min(now + Math.floor(this.config.accessTokenTtlMs / 1000), sessionEnd);
    const claims: AccessTokenClaims = {
      sub: session.userId,
      sid: session.id,
      jti: randomUUID(),
      iat: now,
      exp,
    };
    return { token: this.jwt.sign(claims), expiresIn: exp - now };
  }

  /** Claims of an authentic token even if it has expired (logout may revoke with an expired token); else null. */
  readIgnoringExpiry(token: string): AccessTokenClaims | null {
    try {
      const claims = this.jwt.verify<Partial<AccessTokenClaims>>(token, { ignoreExpiration: true });
      return isAccessTokenClaims(claims) ? claims : null;
    } catch {
      return null;
    }
  }
}

export function isAccessTokenClaims(value: unknown): value is AccessTokenClaims {
  const claims = value as Partial<AccessTokenClaims> | null;
  return (
    typeof claims?.sub === 'string' &&
    typeof claims.sid === 'string' &&
    typeof claims.jti === 'string' &&
    typeof claims.iat === 'number' &&
    typeof claims.exp === 'number'
  );
}
