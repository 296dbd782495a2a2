import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID, type KeyObject } from 'node:crypto';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import type { Session } from '../sessions/entities/session.entity';
import { AccessTokenKeys } from './access-token-keys';
import { AuthError, AuthErrorCode } from './auth.error';
import { isAccessTokenClaims, type AccessTokenClaims } from './access-token-claims';

export interface IssuedAccessToken {
  token: string;
  /** Seconds until it expires. */
  expiresIn: number;
}

/** Explicit typing (RFC 8725 §3.11, RFC 9068): no other kind of JWT signed with the key passes as an access token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/**
 * The only header parameters Aegis writes. Anything else (`jku`, `jwk`, `x5u`, `x5c`, `crit`, …) names key
 * material or extensions Aegis never uses: such a token was not minted here and is refused outright.
 */
const HEADER_PARAMETERS = new Set(['alg', 'typ', 'kid']);

/**
 * Signs and reads access JWTs: ES256 with keys from the database (HS256 under JWT_SECRET only verifies, during
 * the migration), typed `at+jwt`, `kid` picking the key and the key fixing the algorithm (RFC 8725 §3.1: never
 * let the token choose), `iss`/`aud` checked, lifetime never beyond the session's. Time claims are checked
 * against the injectable Clock in RequestAuthenticator.authenticate.
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly keys: AccessTokenKeys,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  issue(session: Session): IssuedAccessToken {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const sessionEnd = Math.floor(session.absoluteExpiresAt.getTime() / 1000);
    const exp = Math.min(now + Math.floor(this.config.accessTokenTtlMs / 1000), sessionEnd);
    const claims: Omit<AccessTokenClaims, 'iss' | 'aud'> = {
      sub: session.userId,
      sid: session.id,
      jti: randomUUID(),
      iat: now,
      nbf: now,
      exp,
    };
    const signing = this.keys.signing();
    const token = this.jwt.sign(claims, {
      // A KeyObject: given a string, jsonwebtoken first tries createPublicKey() on it on every sign.
      privateKey: signing.key as unknown as string,
      algorithm: signing.alg,
      keyid: signing.kid,
      header: { alg: signing.alg, typ: ACCESS_TOKEN_TYPE }, // typ replaces jsonwebtoken's "JWT"
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
    });
    return { token, expiresIn: exp - now };
  }

  /**
   * The key to verify `token` with, chosen by its `kid` after its header passed inspection (an accepted
   * algorithm, the one of the key the kid names; the access-token type; no foreign parameters), from memory.
   * Throws INVALID_TOKEN otherwise.
   */
  verificationKeyFor(token: string): KeyObject {
    const header = this.inspected(this.headerOf(token));
    const key = header && this.keys.forKid(header.kid, header.alg);
    if (key === undefined) throw new AuthError(AuthErrorCode.InvalidToken);
    return key;
  }

  /**
   * The same choice for a header already decoded (jsonwebtoken hands it to a key callback); a kid this instance
   * has not loaded yet may read the key table once (throttled), in case another instance rotated just now.
   */
  async verificationKeyForHeader(header: unknown): Promise<KeyObject> {
    const inspected = this.inspected(header);
    const key =
      inspected &&
      (this.keys.forKid(inspected.kid, inspected.alg) ??
        (await this.keys.forKidReloading(inspected.kid, inspected.alg)));
    if (key === undefined) throw new AuthError(AuthErrorCode.InvalidToken);
    return key;
  }

  /** Options for verifying the signature, algorithm, issuer and audience; times are the Clock's business. */
  get verifyOptions() {
    return {
      algorithms: this.keys.algorithms,
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
      ignoreExpiration: true,
      ignoreNotBefore: true,
    };
  }

  /** Claims of an authentic token even if it has expired (logout may revoke with an expired token); else null. */
  readIgnoringExpiry(token: string): AccessTokenClaims | null {
    try {
      const claims = this.jwt.verify<Partial<AccessTokenClaims>>(token, {
        ...this.verifyOptions,
        secret: this.verificationKeyFor(token) as unknown as string,
      });
      return isAccessTokenClaims(claims) ? claims : null;
    } catch {
      return null;
    }
  }

  private inspected(header: unknown): { kid: string; alg: string } | undefined {
    const fields =
      typeof header === 'object' && header !== null
        ? (header as Record<string, unknown>)
        : undefined;
    return fields !== undefined &&
      Object.keys(fields).every((name) => HEADER_PARAMETERS.has(name)) &&
      typeof fields.alg === 'string' &&
      (this.keys.algorithms as string[]).includes(fields.alg) &&
      fields.typ === ACCESS_TOKEN_TYPE &&
      typeof fields.kid === 'string'
      ? { kid: fields.kid, alg: fields.alg }
      : undefined;
  }

  /**
   * The JOSE header alone (the first segment), to pick the key before the one full decode and verification
   * jsonwebtoken does: decoding the whole token here as well would parse the payload twice per request.
   * Lenient on purpose: whatever it accepts is then checked byte for byte by the signature.
   */
  private headerOf(token: string): Record<string, unknown> | undefined {
    const end = token.indexOf('.');
    if (end <= 0) return undefined;
    try {
      const header: unknown = JSON.parse(
        Buffer.from(token.slice(0, end), 'base64url').toString('utf8'),
      );
      return typeof header === 'object' && header !== null && !Array.isArray(header)
        ? (header as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
}
