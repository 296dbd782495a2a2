import { chainHash } from '../src/audit/audit-chain';
import { AuditCheckpointService } from '../src/audit/audit-checkpoint.service';
import { AuditSigner } from '../src/audit/audit-signer';
import { AuditService } from '../src/audit/audit.service';
import { AuditRepository } from '../src/audit/audit.repository';
import { AuditVerificationService, ChainBreak } from '../src/audit/audit-verification.service';
import { AuditCheckpoint } from '../src/audit/entities/audit-checkpoint.entity';
import { AuditEvent } from '../src/audit/entities/audit-event.entity';
import { UnitOfWork } from '../src/database/unit-of-work';
import {
  asDatabaseOwner,
  chain,
  recordProbeEvent,
  restoreAudit,
  snapshotAudit,
  type AuditSnapshot,
} from './support/audit-chain';
import { sample, scrape } from './support/metrics';
import { createTestApp, type TestApp } from './support/test-app';

const HMAC_KEY = 'audit-hmac-key-kept-outside-the-database-0123';

/**
 * Someone with full rights on the database edits the audit log; verification must say where.
 * The chain: the bootstrap event, probes, a signed checkpoint C1, more probes, checkpoint C2, an unsigned tail.
 */
describe('audit verification against tampering', () => {
  let t: TestApp;
  let snapshot: AuditSnapshot;
  let c1: number;
  let c2: number;
  let head: number;

  const verify = () => t.app.get(AuditVerificationService).verify();
  const events = () => t.dataSource.getRepository(AuditEvent);
  const record = async (count: number) => {
    for (let i = 0; i < count; i++)
      await recordProbeEvent(t.app.get(AuditService), t.app.get(UnitOfWork), `probe ${i}`);
  };

  /** Edits the event at `seq` and recomputes every hash from there on, as a careful attacker would. */
  async function rewriteFrom(seq: number): Promise<void> {
    await asDatabaseOwner(t, async () => {
      const all = await chain(t);
      let prevHash = all.find((event) => event.seq === seq - 1)!.hash;
      for (const event of all.filter((candidate) => candidate.seq >= seq)) {
        if (event.seq === seq) event.details = { ...event.details, i: 'rewritten' };
        event.prevHash = prevHash;
        event.hash = chainHash(prevHash, event);
        await events().update(
          { id: event.id },
          { details: event.details, prevHash: event.prevHash, hash: event.hash },
        );
        prevHash = event.hash;
      }
    });
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { AUDIT_HMAC_KEY: HMAC_KEY } });
    const checkpoints = t.app.get(AuditCheckpointService);
    await record(5);
    c1 = (await checkpoints.checkpoint())!.seq;
    await record(5);
    c2 = (await checkpoints.checkpoint())!.seq;
    await record(3);
    head = c2 + 3;
    snapshot = await snapshotAudit(t);
  });
  afterEach(async () => {
    await restoreAudit(t, snapshot);
    expect(await verify()).toMatchObject({ ok: true, checked: head, lastSeq: head });
  });
  afterAll(() => t.close());

  it('passes an untouched chain, with the signed checkpoints vouching up to the last one', async () => {
    expect(c2).toBe(c1 + 5);
    expect(await verify()).toMatchObject({
      ok: true,
      checked: head,
      anchorSeq: 0,
      checkpointsChecked: 2,
      signedThroughSeq: c2,
    });
  });

  it("reports an event whose details were edited, at that event's seq", async () => {
    await asDatabaseOwner(t, () => events().update({ seq: 4 }, { details: { i: 'edited' } }));
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: 4,
      reason: ChainBreak.HashMismatch,
      checked: 3,
    });
  });

  it.each([
    ['its actor username replaced', { actorUsername: 'mallory' }],
    ['its target username replaced', { targetUsername: 'mallory' }],
    ['its chain version lowered to 1, whose hash covers no name', { chainVersion: 1 as const }],
    ['its chain version raised', { chainVersion: 3 as unknown as 2 }],
  ])("reports an event with %s, at that event's seq", async (_what, change) => {
    const before = await events().findOneByOrFail({ seq: 4 });
    expect(before).toMatchObject({ chainVersion: 2, targetUsername: 'probe-target' });
    await asDatabaseOwner(t, () => events().update({ seq: 4 }, change));
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: 4,
      reason: ChainBreak.HashMismatch,
      checked: 3,
    });
  });

  it('reports a deleted event at its seq', async () => {
    await asDatabaseOwner(t, () => events().delete({ seq: 8 }));
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: 8,
      reason: ChainBreak.MissingEvent,
    });
  });

  it('reports two reordered events at the first of them', async () => {
    await asDatabaseOwner(t, async () => {
      await events().update({ seq: 10 }, { seq: -10 });
      await events().update({ seq: 9 }, { seq: 10 });
      await events().update({ seq: -10 }, { seq: 9 });
    });
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: 9,
      reason: ChainBreak.PrevHashMismatch,
    });
  });

  it('reports a chain rewritten consistently without the key, from the first event after the last intact checkpoint', async () => {
    await rewriteFrom(c1 + 1);
    // Every link and hash is consistent again: the chain alone (no key) cannot tell…
    const withoutKey = new AuditVerificationService(
      t.app.get(AuditRepository),
      new AuditSigner({ ...t.config, audit: { ...t.config.audit, hmacKey: undefined } }),
    );
    expect(await withoutKey.verify()).toMatchObject({ ok: true, checked: head });
    // …but checkpoint C2 signed the old hash of its event.
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: c1 + 1,
      reason: ChainBreak.CheckpointMismatch,
      signedThroughSeq: c1,
    });
  });

  it('reports a checkpoint re-pointed at the rewritten chain: its signature no longer verifies', async () => {
    await rewriteFrom(c1 + 1);
    const rewritten = await events().findOneByOrFail({ seq: c2 });
    await asDatabaseOwner(t, () =>
      t.dataSource.getRepository(AuditCheckpoint).update({ seq: c2 }, { hash: rewritten.hash }),
    );
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: c1 + 1,
      reason: ChainBreak.CheckpointSignatureInvalid,
    });
  });

  it('reports the newest events deleted when a checkpoint had covered them', async () => {
    await asDatabaseOwner(t, () =>
      t.dataSource.query(`DELETE FROM audit_events WHERE seq >= ${c2 - 1}`),
    );
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: c2 - 1,
      reason: ChainBreak.Truncated,
    });
  });

  it('never signs a chain that is already broken, and counts the break for alerting', async () => {
    const verifications = async (result: string) =>
      sample(await scrape(t), 'aegis_audit_chain_verifications_total', { result });
    const [brokenBefore, intactBefore] = [
      await verifications('broken'),
      await verifications('intact'),
    ];
    await record(1);
    await asDatabaseOwner(t, () =>
      events().update({ seq: head + 1 }, { details: { i: 'edited' } }),
    );
    expect(await t.app.get(AuditCheckpointService).checkpoint()).toBeNull();
    expect(await t.dataSource.getRepository(AuditCheckpoint).count()).toBe(2);
    expect(await verifications('broken')).toBe(brokenBefore! + 1);
    expect(await verifications('intact')).toBe(intactBefore);
  });

  it('signs only when the head moved since the last checkpoint', async () => {
    const checkpoints = t.app.get(AuditCheckpointService);
    expect((await checkpoints.checkpoint())?.seq).toBe(head);
    expect(await checkpoints.checkpoint()).toBeNull();
  });
});
