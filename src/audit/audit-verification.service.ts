import { Injectable, Optional } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Metrics } from '../metrics/metrics.service';
import { chainHash } from './audit-chain';
import { AuditSigner, type SignedPosition } from './audit-signer';
import { AuditRepository } from './audit.repository';
import type { AuditChainAnchor } from './entities/audit-chain-anchor.entity';
import type { AuditEvent } from './entities/audit-event.entity';

/** Events read per query: memory stays flat however long the chain. */
const BATCH = 1_000;

export enum ChainBreak {
  /** An event is missing (deleted), or the first kept event does not follow the anchor. */
  MissingEvent = 'missing_event',
  /** The event does not link to its predecessor: one was removed, inserted or reordered. */
  PrevHashMismatch = 'prev_hash_mismatch',
  /** The event's content no longer matches its hash: it was edited. */
  HashMismatch = 'hash_mismatch',
  /** A signed checkpoint names a different hash: the chain was rewritten (hashes recomputed) after it. */
  CheckpointMismatch = 'checkpoint_mismatch',
  /** A checkpoint's signature does not verify with AUDIT_HMAC_KEY: it was forged or altered. */
  CheckpointSignatureInvalid = 'checkpoint_signature_invalid',
  /** The retention anchor's signature does not verify: events were purged without the key. */
  AnchorSignatureInvalid = 'anchor_signature_invalid',
  /** A checkpoint signed an event that no longer exists: the newest events were deleted. */
  Truncated = 'truncated',
}

export interface ChainVerification {
  ok: boolean;
  /** Events whose link and hash were checked. */
  checked: number;
  /** The first position that can no longer be trusted. */
  firstBrokenSeq?: number;
  reason?: ChainBreak;
  detail?: string;
  /** Where the kept chain starts (after the last purged event; 0 when nothing was purged). */
  anchorSeq: number;
  /** The last event checked, and its hash: note it somewhere else to catch a later rewrite without the key. */
  lastSeq: number | null;
  lastHash: string | null;
  checkpointsChecked: number;
  /** With AUDIT_HMAC_KEY: the last position a valid checkpoint vouches for (null without one). */
  signedThroughSeq: number | null;
}

interface WalkStart {
  position: SignedPosition;
  /** The last position already proven by a checkpoint (for where a rewrite may begin). */
  lastSigned: number;
}

class Walk {
  checked = 0;
  checkpointsChecked = 0;
  expected: number;
  prevHash: string;
  lastSigned: number;
  lastSeq: number | null = null;
  lastHash: string | null = null;

  constructor(
    readonly anchorSeq: number,
    start: WalkStart,
  ) {
    this.expected = start.position.seq + 1;
    this.prevHash = start.position.hash;
    this.lastSigned = start.lastSigned;
  }

  report(signing: boolean, broken?: { seq: number; reason: ChainBreak; detail: string }) {
    const report: ChainVerification = {
      ok: broken === undefined,
      checked: this.checked,
      anchorSeq: this.anchorSeq,
      lastSeq: this.lastSeq,
      lastHash: this.lastHash,
      checkpointsChecked: this.checkpointsChecked,
      signedThroughSeq: signing && this.checkpointsChecked > 0 ? this.lastSigned : null,
    };
    if (broken) {
      report.firstBrokenSeq = broken.seq;
      report.reason = broken.reason;
      report.detail = broken.detail;
    }
    return report;
  }
}

/**
 * Walks the chain from the retention anchor to the head in batches (constant memory): every event must follow
 * its predecessor with no gap, link to its hash and hash to its own content. With AUDIT_HMAC_KEY, the anchor
 * and every checkpoint must carry a valid signature and agree with the event they name, which exposes a chain
 * rewritten consistently by someone without the key, and a deleted tail that a checkpoint had covered.
 */
@Injectable()
export class AuditVerificationService {
  private readonly verifications: Counter<'result'>;

  constructor(
    private readonly repository: AuditRepository,
    private readonly signer: AuditSigner,
    // Optional: the CLI verifies without the metrics module.
    @Optional() metrics?: Metrics,
  ) {
    this.verifications = (metrics ?? new Metrics()).counter({
      name: 'aegis_audit_chain_verifications_total',
      help: 'Audit chain verifications (the checkpoint job, GET /audit/verify) by result: intact or broken',
      labelNames: ['result'],
    });
    for (const result of ['intact', 'broken']) this.verifications.inc({ result }, 0);
  }

  /** Counts a break found without a walk (a signed checkpoint that no longer matches its event). */
  countBroken(): void {
    this.verifications.inc({ result: 'broken' });
  }

  async verify(): Promise<ChainVerification> {
    return this.counted(await this.verifyWhole());
  }

  /**
   * Checks the events after `start` (a position already proven, e.g. by the last checkpoint) and returns the
   * report with the head it reached: what the checkpoint job signs next.
   */
  async verifyFrom(start: SignedPosition): Promise<ChainVerification> {
    const anchor = await this.repository.anchor();
    return this.counted(
      await this.walk(new Walk(anchor.seq, { position: start, lastSigned: start.seq })),
    );
  }

  private counted(report: ChainVerification): ChainVerification {
    this.verifications.inc({ result: report.ok ? 'intact' : 'broken' });
    return report;
  }

  private async verifyWhole(): Promise<ChainVerification> {
    const anchor = await this.repository.anchor();
    const walk = new Walk(anchor.seq, {
      position: anchor,
      lastSigned: anchor.seq,
    });
    if (!this.anchorTrusted(anchor)) {
      return walk.report(this.signer.enabled, {
        seq: anchor.seq + 1,
        reason: ChainBreak.AnchorSignatureInvalid,
        detail: `the retention anchor at seq ${anchor.seq} is not signed with AUDIT_HMAC_KEY`,
      });
    }
    return this.walk(walk);
  }

  /** Whether checkpoints can be checked at all: their signatures need AUDIT_HMAC_KEY. */
  get checksCheckpoints(): boolean {
    return this.signer.enabled;
  }

  /** The signed checkpoints in the kept chain, whether or not this instance can check them. */
  async checkpointsPresent(): Promise<number> {
    const anchor = await this.repository.anchor();
    return this.repository.countCheckpointsAfter(anchor.seq);
  }

  private anchorTrusted(anchor: AuditChainAnchor): boolean {
    return !this.signer.enabled || anchor.seq === 0 || this.signer.anchorValid(anchor, anchor.mac);
  }

  private async walk(walk: Walk): Promise<ChainVerification> {
    const signing = this.signer.enabled;
    for (;;) {
      let events = await this.repository.eventsAfter(walk.expected - 1, BATCH);
      if (events.length === 0) {
        if (!signing) return walk.report(signing);
        const [beyond] = await this.repository.checkpointsBetween(walk.expected - 1);
        if (beyond === undefined) return walk.report(signing);
        // Events and their checkpoint may have been appended since the last read: look once more.
        events = await this.repository.eventsAfter(walk.expected - 1, BATCH);
        if (events.length === 0) {
          return walk.report(signing, {
            seq: walk.expected,
            reason: ChainBreak.Truncated,
            detail: `a checkpoint signed seq ${beyond.seq}, but the chain ends at seq ${walk.expected - 1}`,
          });
        }
      }

      const first = events[0];
      if (first.seq !== walk.expected) {
        // Retention may have purged past this point while we walked: continue from its new anchor.
        const anchor = await this.repository.anchor();
        if (anchor.seq >= walk.expected && anchor.seq < first.seq && this.anchorTrusted(anchor)) {
          walk.expected = anchor.seq + 1;
          walk.prevHash = anchor.hash;
          walk.lastSigned = Math.max(walk.lastSigned, anchor.seq);
        }
      }

      const broken = this.checkEvents(walk, events);
      if (broken) return walk.report(signing, broken);
      if (signing) {
        const forged = await this.checkCheckpoints(walk, events);
        if (forged) return walk.report(signing, forged);
      }
    }
  }

  private checkEvents(walk: Walk, events: AuditEvent[]) {
    for (const event of events) {
      if (event.seq !== walk.expected) {
        return {
          seq: walk.expected,
          reason: ChainBreak.MissingEvent,
          detail: `seq ${walk.expected} is missing (next event: seq ${event.seq})`,
        };
      }
      if (event.prevHash !== walk.prevHash) {
        return {
          seq: event.seq,
          reason: ChainBreak.PrevHashMismatch,
          detail: `seq ${event.seq} does not link to the hash of seq ${event.seq - 1}`,
        };
      }
      if (chainHash(event.prevHash, event) !== event.hash) {
        return {
          seq: event.seq,
          reason: ChainBreak.HashMismatch,
          detail: `the content of seq ${event.seq} no longer matches its hash`,
        };
      }
      walk.checked += 1;
      walk.expected += 1;
      walk.prevHash = event.hash;
      walk.lastSeq = event.seq;
      walk.lastHash = event.hash;
    }
    return undefined;
  }

  /** The checkpoints inside this contiguous, already-linked batch. */
  private async checkCheckpoints(walk: Walk, events: AuditEvent[]) {
    const first = events[0].seq;
    const checkpoints = await this.repository.checkpointsBetween(
      first - 1,
      events[events.length - 1].seq,
    );
    for (const checkpoint of checkpoints) {
      const rewrittenFrom = walk.lastSigned + 1;
      if (!this.signer.checkpointValid(checkpoint, checkpoint.mac)) {
        return {
          seq: rewrittenFrom,
          reason: ChainBreak.CheckpointSignatureInvalid,
          detail: `the checkpoint at seq ${checkpoint.seq} is not signed with AUDIT_HMAC_KEY; events after seq ${walk.lastSigned} are unproven`,
        };
      }
      if (events[checkpoint.seq - first].hash !== checkpoint.hash) {
        return {
          seq: rewrittenFrom,
          reason: ChainBreak.CheckpointMismatch,
          detail: `the chain was rewritten between seq ${rewrittenFrom} and the checkpoint at seq ${checkpoint.seq}`,
        };
      }
      walk.lastSigned = checkpoint.seq;
      walk.checkpointsChecked += 1;
    }
    return undefined;
  }
}
