import type { AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics.service';
import { automock } from '../../test/support/automock';
import { FrozenClock, META } from '../../test/support/auth-fixtures';
import { AuditAction } from './audit-action';
import { AuditService } from './audit.service';
import { REFUSAL_AUDIT_WINDOW_MS, RefusalAudit } from './refusal-audit.service';

function setup() {
  const audit = automock(AuditService);
  audit.recordIndependently.mockResolvedValue(undefined);
  const clock = new FrozenClock();
  const metrics = new Metrics();
  const refusals = new RefusalAudit(
    audit,
    clock,
    { rateLimitIpv6PrefixBits: 64 } as AppConfig,
    metrics,
  );
  const counted = async () =>
    (await metrics.registry.getSingleMetric('aegis_refusals_total')?.get())?.values ?? [];
  return { audit, clock, metrics, refusals, counted };
}

const csrf = (ip = META.ip) => ({
  action: AuditAction.AccessDenied,
  reason: 'csrf',
  resourceType: 'http',
  meta: { ...META, ip },
});

describe('RefusalAudit', () => {
  it('writes one row per client network, action and reason per window, and counts every refusal', async () => {
    const { audit, refusals, counted } = setup();
    for (let i = 0; i < 1_000; i++) await refusals.record(csrf());
    expect(audit.recordIndependently).toHaveBeenCalledTimes(1);
    expect(audit.recordIndependently).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'ACCESS_DENIED',
        outcome: 'failure',
        details: { reason: 'csrf' },
        meta: expect.objectContaining({ ip: META.ip }),
      }),
    );
    expect(await counted()).toEqual([
      expect.objectContaining({
        value: 1_000,
        labels: { action: 'ACCESS_DENIED', reason: 'csrf' },
      }),
    ]);
  });

  it('writes the next row after the window, carrying how many repeats were suppressed', async () => {
    const { audit, refusals, clock } = setup();
    for (let i = 0; i < 5; i++) await refusals.record(csrf());
    clock.current = new Date(clock.current.getTime() + REFUSAL_AUDIT_WINDOW_MS - 1);
    await refusals.record(csrf());
    expect(audit.recordIndependently).toHaveBeenCalledTimes(1);
    clock.current = new Date(clock.current.getTime() + 1);
    await refusals.record(csrf());
    expect(audit.recordIndependently).toHaveBeenCalledTimes(2);
    expect(audit.recordIndependently).toHaveBeenLastCalledWith(
      expect.objectContaining({ details: { reason: 'csrf', suppressed: 5 } }),
    );
  });

  it('keeps distinct reasons, actions, accounts and networks apart, and one IPv6 /64 together', async () => {
    const { audit, refusals } = setup();
    await refusals.record(csrf());
    await refusals.record({ ...csrf(), reason: 'insufficient_role' });
    await refusals.record({ ...csrf(), action: AuditAction.TokenRejected });
    await refusals.record({ ...csrf(), actorUserId: 'u-1' });
    await refusals.record({ ...csrf(), actorUserId: 'u-2' });
    await refusals.record(csrf('203.0.113.99'));
    await refusals.record(csrf('2001:db8:1:2::1'));
    await refusals.record(csrf('2001:db8:1:2:ffff::9'));
    await refusals.record(csrf('::ffff:203.0.113.99'));
    expect(audit.recordIndependently).toHaveBeenCalledTimes(7);
  });
});
