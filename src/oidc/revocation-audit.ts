import type { AuditService } from '../audit/audit.service';
import { AuditAction } from '../audit/audit-action';
import type { UnitOfWork } from '../database/unit-of-work';
import type { ProviderMiddleware } from './oidc-provider.service';

/** Audits a token revocation a client asked for (RFC 7009): which client, never the token. */
export function revocationAudit(audit: AuditService, unitOfWork: UnitOfWork): ProviderMiddleware {
  return async (ctx, next) => {
    await next();
    if (ctx.path !== '/token/revocation' || ctx.method !== 'POST' || ctx.status !== 200) return;
    const clientId = ctx.oidc.client?.clientId ?? null;
    const hint: unknown = ctx.oidc.params?.token_type_hint;
    await unitOfWork.run(() =>
      audit.record({
        action: AuditAction.OidcTokenRevoked,
        outcome: 'success',
        resourceType: 'oidc_client',
        resourceId: clientId,
        details: { token_type_hint: typeof hint === 'string' ? hint : null },
        meta: {
          ip: ctx.ip,
          userAgent: ctx.get('user-agent') || null,
          requestId: String(ctx.res.getHeader('x-request-id') ?? ''),
        },
      }),
    );
  };
}
