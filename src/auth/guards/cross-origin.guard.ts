import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { AuthError, AuthErrorCode } from '../auth.error';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-origin protection for cookie-authenticated writes, with the semantics of Go 1.25's
 * http.CrossOriginProtection: `Sec-Fetch-Site: same-origin|none` passes; otherwise an `Origin` must be this
 * service's own (same host) or in CORS_ORIGINS; a request with neither header is not from a browser and
 * passes. Requests that carry only a bearer token (no cookies) cannot be forged by a browser and pass.
 * SameSite=Strict cookies remain the second layer.
 */
@Injectable()
export class CrossOriginGuard implements CanActivate {
  private readonly trustedOrigins: Set<string>;

  constructor(config: AppConfig) {
    this.trustedOrigins = new Set(config.corsOrigins);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (SAFE_METHODS.has(request.method)) return true;
    if (request.headers.authorization !== undefined && request.headers.cookie === undefined)
      return true;

    const site = request.headers['sec-fetch-site'];
    if (site === 'same-origin' || site === 'none') return true;
    const origin = request.headers.origin;
    if (origin === undefined) {
      if (site === undefined) return true;
    } else if (this.trustedOrigins.has(origin) || this.isOwnOrigin(origin, request)) {
      return true;
    }
    throw new AuthError(AuthErrorCode.CrossOriginRejected);
  }

  private isOwnOrigin(origin: string, request: FastifyRequest): boolean {
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false; // "null" and other opaque origins
    }
  }
}
