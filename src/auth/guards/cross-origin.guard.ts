import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../../audit/audit-action';
import { RefusalAudit } from '../../audit/refusal-audit.service';
import { requestMetaOf } from '../../common/http/request-meta';
import { requestOriginOf } from '../../common/http/request-origin';
import { AppConfig } from '../../config/app-config';
import { AuthError, AuthErrorCode } from '../auth.error';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Audited header values are attacker-chosen: kept short. */
const MAX_AUDITED_HEADER = 256;

/**
 * Cross-origin protection for cookie-authenticated writes, with the semantics of Go 1.25's
 * http.CrossOriginProtection: `Sec-Fetch-Site: same-origin|none` passes, any other value passes only with an
 * `Origin` in CORS_ORIGINS; without Sec-Fetch-Site, an `Origin` must be in CORS_ORIGINS or equal this
 * service's own origin (scheme, host and port of PUBLIC_URL); a request with neither header is not from a
 * browser and passes. Requests that carry only a bearer token (no cookies) cannot be forged by a browser and pass.
 * SameSite=Strict cookies remain the second layer. A refusal is audited (ACCESS_DENIED, reason csrf; at most once per client network and window) in its
 * own transaction; it runs before authentication, so nothing else has happened yet.
 */
@Injectable()
export class CrossOriginGuard implements CanActivate {
  private readonly trustedOrigins: Set<string>;
  private readonly publicOrigin?: string;

  constructor(
    config: AppConfig,
    private readonly refusals: RefusalAudit,
  ) {
    this.trustedOrigins = new Set(config.corsOrigins);
    this.publicOrigin = config.publicUrl;
  }

  /** Synchronous unless it refuses. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return this.allows(request) || this.refuse(request);
  }

  private async refuse(request: FastifyRequest): Promise<never> {
    await this.refusals.record({
      action: AuditAction.AccessDenied,
      reason: 'csrf',
      resourceType: 'http',
      resourceId: `${request.method} ${request.routeOptions.url ?? ''}`.slice(0, 128),
      details: {
        origin: headerValue(request.headers.origin),
        sec_fetch_site: headerValue(request.headers['sec-fetch-site']),
      },
      meta: requestMetaOf(request),
    });
    throw new AuthError(AuthErrorCode.CrossOriginRejected);
  }

  /** Go 1.25's http.CrossOriginProtection, with the own origin from PUBLIC_URL. */
  private allows(request: FastifyRequest): boolean {
    if (SAFE_METHODS.has(request.method)) return true;
    if (request.headers.authorization !== undefined && request.headers.cookie === undefined)
      return true;

    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined) {
      // The browser says where the request comes from: only its own site, a typed URL, or a trusted origin.
      if (site === 'same-origin' || site === 'none') return true;
      return origin !== undefined && this.trustedOrigins.has(origin);
    }
    if (origin === undefined) return true; // neither header: not a browser
    return this.trustedOrigins.has(origin) || origin === this.ownOrigin(request);
  }

  /**
   * Scheme, host and port as browsers reach this service: PUBLIC_URL; outside production without it, the
   * request's own scheme (through TRUSTED_PROXIES) and Host.
   */
  private ownOrigin(request: FastifyRequest): string | undefined {
    return this.publicOrigin ?? requestOriginOf(request);
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  return typeof value === 'string' ? value.slice(0, MAX_AUDITED_HEADER) : null;
}
