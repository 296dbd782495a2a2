import type { AppConfig } from '../config/app-config';
import { newTestService, provide } from '../../test/support/test-service';
import { chainHash, GENESIS_HASH } from './audit-chain';
import { AuditSigner } from './audit-signer';
import { AuditVerificationService, ChainBreak } from './audit-verification.service';
import { AuditRepository } from './audit.repository';
import type { AuditChainAnchor } from './entities/audit-chain-anchor.entity';
import type { AuditEvent } from './entities/audit-event.entity';

function buildChain(length: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const event = {
      seq,
      id: `id-${seq}`,
      occurredAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)),
      actorUserId: null,
      action: 'LOGIN_FAILED',
      resourceType: 'auth',
      resourceId: null,
      outcome: 'failure',
      details: { n: seq },
      ip: null,
      userAgent: null,
      requestId: null,
      prevHash,
    } as unknown as AuditEvent;
    event.hash = chainHash(prevHash, event);
    prevHash = event.hash;
    events.push(event);
  }
  return events;
}

/**
 * The verification service over an in-memory audit table that a concurrent retention purge can shrink between
 * two reads, without AUDIT_HMAC_KEY.
 */
function verifierOver(
  events: AuditEvent[],
  anchor: Pick<AuditChainAnchor, 'seq' | 'hash' | 'mac'>,
) {
  const { service, double } = newTestService(
    AuditVerificationService,
    provide(AuditSigner, new AuditSigner({ audit: { checkpointIntervalMs: 60_000 } } as AppConfig)),
  );
  const repository = double(AuditRepository);
  repository.anchor.mockImplementation(async () => ({ ...anchor }) as AuditChainAnchor);
  repository.eventsAfter.mockImplementation(async (afterSeq: number, limit: number) =>
    events.filter((event) => event.seq > afterSeq).slice(0, limit),
  );
  repository.checkpointsBetween.mockResolvedValue([]);
  return { service, repository };
}

describe('AuditVerificationService', () => {
  it('walks a long chain in batches, never loading it whole', async () => {
    const events = buildChain(2_500);
    const { service, repository } = verifierOver(events, { seq: 0, hash: GENESIS_HASH, mac: null });
    expect(await service.verify()).toMatchObject({ ok: true, checked: 2_500, lastSeq: 2_500 });
    for (const [, limit] of repository.eventsAfter.mock.calls) expect(limit).toBe(1_000);
    expect(repository.eventsAfter.mock.calls.map(([after]) => after)).toEqual([
      0, 1_000, 2_000, 2_500,
    ]);
  });

  it('follows a retention purge that happens while it walks, instead of reporting a gap', async () => {
    const events = buildChain(1_500);
    const anchor = { seq: 0, hash: GENESIS_HASH, mac: null };
    const { service, repository } = verifierOver(events, anchor);
    repository.eventsAfter.mockImplementationOnce(async (afterSeq: number, limit: number) => {
      const batch = events.filter((event) => event.seq > afterSeq).slice(0, limit);
      // Meanwhile another instance purges through seq 1200.
      anchor.seq = 1_200;
      anchor.hash = events[1_199].hash;
      events.splice(0, 1_200);
      return batch;
    });
    expect(await service.verify()).toMatchObject({ ok: true, lastSeq: 1_500 });
  });

  it('reports a real gap as a missing event when the anchor did not move', async () => {
    const events = buildChain(10).filter((event) => event.seq !== 6);
    const { service } = verifierOver(events, { seq: 0, hash: GENESIS_HASH, mac: null });
    expect(await service.verify()).toMatchObject({
      ok: false,
      checked: 5,
      firstBrokenSeq: 6,
      reason: ChainBreak.MissingEvent,
    });
  });
});
