import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../../audit/audit-action';
import { RefusalAudit } from '../../audit/refusal-audit.service';
import { requestMetaOf } from '../../common/http/request-meta';
import { AppConfig } from '../../config/app-config';
import { AuthError, AuthErrorCode } from '../auth.error';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Audited header values are attacker-chosen: kept short. */
const MAX_AUDITED_HEADER = 256;

/**
 * Cross-origin protection for cookie-authenticated writes, with the semantics of Go 1.25's
 * http.CrossOriginProtection: `Sec-Fetch-Site: same-origin|none` passes; otherwise an `Origin` must be this
 * service's own (same host) or in CORS_ORIGINS; a request with neither header is not from a browser and
 * passes. Requests that carry only a bearer token (no cookies) cannot be forged by a browser and pass.
 * SameSite=Strict cookies remain the second layer. A refusal is audited (ACCESS_DENIED, reason csrf; at most once per client network and window) in its
 * own transaction; it runs before authentication, so nothing else has happened yet.
 */
@Injectable()
export class CrossOriginGuard implements CanActivate {
  private readonly trustedOrigins: Set<string>;

  constructor(
    config: AppConfig,
    private readonly refusals: RefusalAudit,
  ) {
    this.trustedOrigins = new Set(config.corsOrigins);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.allows(request)) return true;
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

  private allows(request: FastifyRequest): boolean {
    if (SAFE_METHODS.has(request.method)) return true;
    if (request.headers.authorization !== undefined && request.headers.cookie === undefined)
      return true;

    const site = request.headers['sec-fetch-site'];
    if (site === 'same-origin' || site === 'none') return true;
    const origin = request.headers.origin;
    if (origin === undefined) return site === undefined;
    return this.trustedOrigins.has(origin) || this.isOwnOrigin(origin, request);
  }

  private isOwnOrigin(origin: string, request: FastifyRequest): boolean {
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false; // "null" and other opaque origins
    }
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  return typeof value === 'string' ? value.slice(0, MAX_AUDITED_HEADER) : null;
}
