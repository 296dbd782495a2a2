import { Injectable, Optional } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { addressNetwork } from '../common/http/client-address';
import type { RequestMeta } from '../common/http/request-meta';
import { Metrics } from '../metrics/metrics.service';
import type { AuditAction } from './audit-action';
import { AuditService } from './audit.service';
import type { AuditDetails } from './entities/audit-event.entity';

/** One audit row per (client network, action, reason) per window. */
export const REFUSAL_AUDIT_WINDOW_MS = 60_000;
/** Windows remembered at once; beyond that, every new key shares one overflow window (still few rows). */
const MAX_WINDOWS = 10_000;

export interface Refusal {
  action: AuditAction;
  /** Stable, lower-case: part of the flood key and of the row's details. */
  reason: string;
  actorUserId?: string | null;
  resourceType: string;
  resourceId?: string | null;
  details?: AuditDetails;
  meta: RequestMeta;
}

interface Window {
  until: number;
  suppressed: number;
}

/**
 * Audits refusals that an outsider or a plain user can repeat at will (a cross-origin write, a forged token,
 * a refused refresh, a role refusal) without letting them flood the log: each costs a transaction on the
 * audit chain's lock. The first refusal of a (caller — the account if known, else the client network —,
 * action, reason) in a window is written, with
 * `suppressed` counting the repeats dropped since the previous row of that key; the rest are only counted in
 * `aegis_refusals_total`. Per instance (so at most one row per instance per window); no security decision
 * depends on it, and every refusal is still answered.
 */
@Injectable()
export class RefusalAudit {
  private readonly windows = new Map<string, Window>();
  private readonly counter: Counter<'action' | 'reason'>;
  private readonly ipv6PrefixBits: number;

  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
    config: AppConfig,
    // Optional: a context without the metrics module (a tool, a test of the audit module alone) still audits.
    @Optional() metrics?: Metrics,
  ) {
    this.ipv6PrefixBits = config.rateLimitIpv6PrefixBits;
    this.counter = (metrics ?? new Metrics()).counter({
      name: 'aegis_refusals_total',
      help: 'Refused requests by audit action and reason (each counted, audited at most once per client network and window)',
      labelNames: ['action', 'reason'],
    });
  }

  async record(refusal: Refusal): Promise<void> {
    this.counter.inc({ action: refusal.action, reason: refusal.reason });
    const now = this.clock.now().getTime();
    const who = refusal.actorUserId ?? addressNetwork(refusal.meta.ip, this.ipv6PrefixBits);
    const key = this.keyOf(`${who}|${refusal.action}|${refusal.reason}`, now);
    const window = this.windows.get(key);
    if (window && window.until > now) {
      window.suppressed++;
      return;
    }
    const suppressed = window?.suppressed ?? 0;
    this.windows.set(key, { until: now + REFUSAL_AUDIT_WINDOW_MS, suppressed: 0 });
    await this.audit.recordIndependently({
      action: refusal.action,
      outcome: 'failure',
      actorUserId: refusal.actorUserId ?? null,
      resourceType: refusal.resourceType,
      resourceId: refusal.resourceId ?? null,
      details: {
        ...refusal.details,
        reason: refusal.reason,
        ...(suppressed > 0 && { suppressed }),
      },
      meta: refusal.meta,
    });
  }

  /** The key itself while there is room; the shared overflow key of its action and reason otherwise. */
  private keyOf(key: string, now: number): string {
    if (this.windows.has(key) || this.windows.size < MAX_WINDOWS) return key;
    for (const [remembered, window] of this.windows) {
      if (window.until <= now && window.suppressed === 0) this.windows.delete(remembered);
    }
    return this.windows.size < MAX_WINDOWS ? key : `overflow|${key.slice(key.indexOf('|') + 1)}`;
  }
}
