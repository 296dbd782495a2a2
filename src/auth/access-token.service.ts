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

/** The one algorithm Aegis signs with and accepts (RFC 8725 §3.1: never let the token choose). */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
/** Explicit typing (RFC 8725 §3.11, RFC 9068): no other kind of JWT signed with the key passes as an access token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/**
 * The only header parameters Aegis writes. Anything else (`jku`, `jwk`, `x5u`, `x5c`, `crit`, …) names key
 * material or extensions Aegis never uses: such a token was not minted here and is refused outright.
 */
const HEADER_PARAMETERS = new Set(['alg', 'typ', 'kid']);

/**
 * Signs and reads access JWTs: HS256 only, typed `at+jwt`, `kid` picking the key (rollover), `iss`/`aud`
 * checked, lifetime never beyond the session's. Time claims are checked against the injectable Clock in
 * RequestAuthenticator.authenticate.
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
    const token = this.jwt.sign(claims, {
      // A KeyObject: given a string, jsonwebtoken first tries createPublicKey() on it on every sign.
      secret: this.keys.signing.key as unknown as string,
      algorithm: ACCESS_TOKEN_ALGORITHM,
      keyid: this.keys.signing.kid,
      header: { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE }, // typ replaces jsonwebtoken's "JWT"
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
    });
    return { token, expiresIn: exp - now };
  }

  /**
   * The key to verify `token` with, chosen by its `kid` after its header passed inspection (one algorithm,
   * the access-token type, no foreign parameters). Throws INVALID_TOKEN otherwise.
   */
  verificationKeyFor(token: string): KeyObject {
    return this.verificationKeyForHeader(this.headerOf(token));
  }

  /** The same choice for a header already decoded (jsonwebtoken hands it to a key callback). */
  verificationKeyForHeader(header: unknown): KeyObject {
    const fields =
      typeof header === 'object' && header !== null
        ? (header as Record<string, unknown>)
        : undefined;
    const key =
      fields !== undefined &&
      Object.keys(fields).every((name) => HEADER_PARAMETERS.has(name)) &&
      fields.alg === ACCESS_TOKEN_ALGORITHM &&
      fields.typ === ACCESS_TOKEN_TYPE &&
      typeof fields.kid === 'string'
        ? this.keys.forKid(fields.kid)
        : undefined;
    if (key === undefined) throw new AuthError(AuthErrorCode.InvalidToken);
    return key;
  }

  /** Options for verifying the signature, algorithm, issuer and audience; times are the Clock's business. */
  get verifyOptions() {
    return {
      algorithms: [ACCESS_TOKEN_ALGORITHM] as [typeof ACCESS_TOKEN_ALGORITHM],
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
