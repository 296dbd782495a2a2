import { AuditAction } from '../src/audit/audit-action';
import { AuditCheckpointService } from '../src/audit/audit-checkpoint.service';
import { AuditRetentionService } from '../src/audit/audit-retention.service';
import { AuditService } from '../src/audit/audit.service';
import { AuditVerificationService, ChainBreak } from '../src/audit/audit-verification.service';
import { AuditChainAnchor } from '../src/audit/entities/audit-chain-anchor.entity';
import { AuditCheckpoint } from '../src/audit/entities/audit-checkpoint.entity';
import { UnitOfWork } from '../src/database/unit-of-work';
import { asDatabaseOwner, chain, recordProbeEvent } from './support/audit-chain';
import { createTestApp, type TestApp } from './support/test-app';

const DAY = 86_400_000;

describe('audit retention (AUDIT_RETENTION_DAYS=30)', () => {
  let t: TestApp;

  const record = async (count: number) => {
    for (let i = 0; i < count; i++)
      await recordProbeEvent(t.app.get(AuditService), t.app.get(UnitOfWork), `probe ${i}`);
  };
  const purge = () => t.app.get(AuditRetentionService).purge();
  const verify = () => t.app.get(AuditVerificationService).verify();
  const anchor = () => t.dataSource.getRepository(AuditChainAnchor).findOneByOrFail({ id: 1 });

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        AUDIT_RETENTION_DAYS: '30',
        AUDIT_HMAC_KEY: 'audit-hmac-key-kept-outside-the-database-0123',
      },
    });
  });
  afterAll(() => t.close());

  it('purges the events older than the retention, leaving the rest verifiable from a signed anchor', async () => {
    await record(4);
    const checkpoint = await t.app.get(AuditCheckpointService).checkpoint();
    const before = await chain(t);
    expect(before).toHaveLength(5);
    t.clock.advance(20 * DAY);
    await record(3);
    t.clock.advance(11 * DAY);

    expect(await purge()).toEqual({ purged: 5, throughSeq: 5 });

    const after = await chain(t);
    expect(after.map((event) => event.seq)).toEqual([6, 7, 8, 9]);
    expect(after[3]).toMatchObject({
      action: AuditAction.AuditPurged,
      details: { purged: 5, through_seq: 5, days: 30 },
    });
    expect(await anchor()).toMatchObject({ seq: 5, hash: before[4].hash });
    expect(after[0].prevHash).toBe(before[4].hash);
    expect(checkpoint?.seq).toBe(5);
    expect(await t.dataSource.getRepository(AuditCheckpoint).count()).toBe(0);
    expect(await verify()).toMatchObject({ ok: true, anchorSeq: 5, checked: 4, lastSeq: 9 });
    expect(await purge()).toEqual({ purged: 0, throughSeq: null });
  });

  it('only ever removes a prefix: an old event behind a newer one waits for the next purge', async () => {
    const head = (await chain(t)).at(-1)!.seq;
    t.clock.advance(31 * DAY);
    await record(1); // new
    t.clock.advance(-40 * DAY);
    await record(1); // older than the cut-off, but after the new one in the chain
    t.clock.advance(40 * DAY);

    expect(await purge()).toEqual({ purged: head - 5, throughSeq: head });
    expect((await chain(t)).slice(0, 2).map((event) => event.seq)).toEqual([head + 1, head + 2]);
    expect(await verify()).toMatchObject({ ok: true, anchorSeq: head });
  });

  it('continues the chain after every event was purged', async () => {
    t.clock.advance(365 * DAY);
    const last = (await chain(t)).at(-1)!;
    const result = await purge();
    expect(result.throughSeq).toBe(last.seq);
    const [purgeEvent, ...rest] = await chain(t);
    expect(rest).toHaveLength(0);
    expect(purgeEvent).toMatchObject({
      seq: last.seq + 1,
      prevHash: last.hash,
      action: AuditAction.AuditPurged,
    });
    expect(await verify()).toMatchObject({ ok: true, anchorSeq: last.seq, checked: 1 });
  });

  it('tells a purge without the key from retention: the anchor signature does not verify', async () => {
    await record(3);
    const events = await chain(t);
    const through = events[1];
    await asDatabaseOwner(t, async () => {
      await t.dataSource
        .getRepository(AuditChainAnchor)
        .update({ id: 1 }, { seq: through.seq, hash: through.hash, mac: '0'.repeat(64) });
      await t.dataSource.query(`DELETE FROM audit_events WHERE seq <= ${through.seq}`);
    });
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: through.seq + 1,
      reason: ChainBreak.AnchorSignatureInvalid,
    });
  });
});
