import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../../audit/audit-action';
import { AuditService } from '../../audit/audit.service';
import { addressNetwork } from '../../common/http/client-address';
import { clientAddressOf, requestMetaOf } from '../../common/http/request-meta';
import { AppConfig } from '../../config/app-config';
import { AuthMetrics } from '../../metrics/auth-metrics';
import { AuthError, AuthErrorCode } from '../auth.error';

/**
 * LOGIN_RATE_LIMIT_PER_MINUTE attempts per client IP (resolved through TRUSTED_PROXIES only).
 * A refused attempt is audited as LOGIN_FAILED / rate_limited and answered 429 with Retry-After.
 */
const MAX_REMEMBERED_REFUSALS = 10_000;

@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  private readonly auditedUntil = new Map<string, number>();
  private readonly ipv6PrefixBits: number;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly audit: AuditService,
    private readonly metrics: AuthMetrics,
    config: AppConfig,
  ) {
    super(options, storage, reflector);
    this.ipv6PrefixBits = config.rateLimitIpv6PrefixBits;
  }

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    // By network: every address of one IPv6 /64 (or the configured prefix) shares one bucket.
    return Promise.resolve(
      addressNetwork(clientAddressOf(request as unknown as FastifyRequest), this.ipv6PrefixBits),
    );
  }

  /** Namespaced under REDIS_KEY_PREFIX, beside anything else Aegis keeps in Redis. */
  protected override generateKey(context: ExecutionContext, suffix: string, name: string): string {
    return `throttle:${super.generateKey(context, suffix, name)}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const username = (request.body as { username?: unknown } | undefined)?.username;
    this.metrics.loginAttempted('rate_limited');
    if (this.firstRefusalInWindow(detail.key, detail.timeToBlockExpire)) {
      await this.recordRefusal(request, username);
    }
    throw new AuthError(AuthErrorCode.LoginRateLimited, {
      retryAfterSeconds: detail.timeToBlockExpire,
    });
  }

  /**
   * One audit row per client IP per block window: the rest are counted in metrics only, so a flood of refused
   * requests cannot turn into a flood of audit appends (each one a transaction on the chain lock).
   * Per instance, which bounds the rows to one per instance per window; no security decision depends on it.
   */
  private firstRefusalInWindow(key: string, blockSeconds: number): boolean {
    const now = Date.now();
    const until = this.auditedUntil.get(key);
    if (until !== undefined && until > now) return false;
    if (this.auditedUntil.size >= MAX_REMEMBERED_REFUSALS) {
      for (const [remembered, expiry] of this.auditedUntil)
        if (expiry <= now) this.auditedUntil.delete(remembered);
    }
    if (this.auditedUntil.size < MAX_REMEMBERED_REFUSALS)
      this.auditedUntil.set(key, now + blockSeconds * 1000);
    return true;
  }

  private recordRefusal(request: FastifyRequest, username: unknown): Promise<void> {
    return this.audit.recordIndependently({
      action: AuditAction.LoginFailed,
      outcome: 'failure',
      resourceType: 'auth',
      details: {
        ...(typeof username === 'string' && { username: username.slice(0, 128) }),
        reason: 'rate_limited',
      },
      meta: requestMetaOf(request),
    });
  }
}
