import { Injectable } from '@nestjs/common';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditAppendStatements } from './audit-append';
import { chainHash } from './audit-chain';
import type { SignedPosition } from './audit-signer';
import { ANCHOR_ID, AuditChainAnchor } from './entities/audit-chain-anchor.entity';
import { AuditCheckpoint } from './entities/audit-checkpoint.entity';
import { AuditEvent, type AuditOutcome } from './entities/audit-event.entity';

export interface AuditSearchFilter {
  actorUserId?: string;
  /** Exact, as stored (usernames are stored in their canonical, case-folded form). */
  actorUsername?: string;
  targetUsername?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: AuditOutcome;
  /** Inclusive lower bound on occurred_at. */
  from?: Date;
  /** Exclusive upper bound on occurred_at. */
  to?: Date;
  /** Only events older in the chain than this seq (the cursor of the previous page). */
  beforeSeq?: number;
}

export interface AuditTimeRange {
  from?: Date;
  to?: Date;
}

/** A position in the chain with the time of its event, for retention. */
export interface DatedPosition extends SignedPosition {
  occurredAt: Date;
}

/** The audit log as one aggregate: the chained events, the retention anchor and the signed checkpoints. */
@Injectable()
export class AuditRepository {
  private appendStatements?: AuditAppendStatements;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Appends an event at the head of the chain (sets its `seq`, `prev_hash` and `hash`) as the last step of the
   * current unit of work, so it commits with the change it describes or not at all (outside one: at once, in a
   * transaction of its own). On PostgreSQL the chain is locked with a transaction-scoped advisory lock, so
   * appends from every instance line up; taken right before the commit, it is held only for the append and the
   * commit. The head is read after the lock (a fresh snapshot under READ COMMITTED), and the unique index on seq
   * turns any fork into a failed transaction, never a branched chain. On SQLite the unit of work already
   * serialises transactions, and SQLite has one writer.
   */
  insert(event: AuditEvent): Promise<void> {
    return this.unitOfWork.beforeCommit(async () => {
      const statements = (this.appendStatements ??= new AuditAppendStatements(
        this.dataSource,
        this.unitOfWork,
      ));
      const head = await statements.lockAndReadHead();
      event.seq = head.seq + 1;
      event.prevHash = head.hash;
      event.hash = chainHash(event.prevHash, event);
      await statements.append(event);
    });
  }

  async anchor(): Promise<AuditChainAnchor> {
    const manager = await this.unitOfWork.manager();
    return manager.findOneByOrFail(AuditChainAnchor, { id: ANCHOR_ID });
  }

  /** Up to `limit` events after `afterSeq`, in chain order. */
  async eventsAfter(
    afterSeq: number,
    limit: number,
    range: AuditTimeRange = {},
  ): Promise<AuditEvent[]> {
    const manager = await this.unitOfWork.manager();
    const query = manager
      .createQueryBuilder(AuditEvent, 'e')
      .where('e.seq > :afterSeq', { afterSeq })
      .orderBy('e.seq', 'ASC')
      .limit(limit);
    return this.inRange(query, range).getMany();
  }

  /** The oldest kept events, for retention to find the prefix older than its cut-off. */
  async oldestPositions(limit: number): Promise<DatedPosition[]> {
    const manager = await this.unitOfWork.manager();
    const events = await manager
      .createQueryBuilder(AuditEvent, 'e')
      .select(['e.seq', 'e.hash', 'e.occurredAt'])
      .orderBy('e.seq', 'ASC')
      .limit(limit)
      .getMany();
    return events.map(({ seq, hash, occurredAt }) => ({ seq, hash, occurredAt }));
  }

  async eventAt(seq: number): Promise<AuditEvent | null> {
    const manager = await this.unitOfWork.manager();
    return manager.findOneBy(AuditEvent, { seq });
  }

  /** Newest first, by chain position: a page never repeats or skips an event, however many arrive meanwhile. */
  async search(filter: AuditSearchFilter, limit: number): Promise<AuditEvent[]> {
    const manager = await this.unitOfWork.manager();
    const query = manager.createQueryBuilder(AuditEvent, 'e').orderBy('e.seq', 'DESC').limit(limit);
    if (filter.beforeSeq !== undefined)
      query.andWhere('e.seq < :beforeSeq', { beforeSeq: filter.beforeSeq });
    if (filter.actorUserId !== undefined)
      query.andWhere('e.actorUserId = :actorUserId', { actorUserId: filter.actorUserId });
    if (filter.actorUsername !== undefined)
      query.andWhere('e.actorUsername = :actorUsername', { actorUsername: filter.actorUsername });
    if (filter.targetUsername !== undefined)
      query.andWhere('e.targetUsername = :targetUsername', {
        targetUsername: filter.targetUsername,
      });
    if (filter.action !== undefined)
      query.andWhere('e.action = :action', { action: filter.action });
    if (filter.resourceType !== undefined)
      query.andWhere('e.resourceType = :resourceType', { resourceType: filter.resourceType });
    if (filter.resourceId !== undefined)
      query.andWhere('e.resourceId = :resourceId', { resourceId: filter.resourceId });
    if (filter.outcome !== undefined)
      query.andWhere('e.outcome = :outcome', { outcome: filter.outcome });
    return this.inRange(query, filter).getMany();
  }

  private inRange(
    query: SelectQueryBuilder<AuditEvent>,
    range: AuditTimeRange,
  ): SelectQueryBuilder<AuditEvent> {
    if (range.from !== undefined) query.andWhere('e.occurredAt >= :from', { from: range.from });
    if (range.to !== undefined) query.andWhere('e.occurredAt < :to', { to: range.to });
    return query;
  }

  async lastCheckpoint(): Promise<AuditCheckpoint | null> {
    const manager = await this.unitOfWork.manager();
    return manager
      .createQueryBuilder(AuditCheckpoint, 'c')
      .orderBy('c.seq', 'DESC')
      .limit(1)
      .getOne();
  }

  /** Checkpoints with afterSeq < seq ≤ throughSeq (no upper bound when omitted), in chain order. */
  async checkpointsBetween(afterSeq: number, throughSeq?: number): Promise<AuditCheckpoint[]> {
    const manager = await this.unitOfWork.manager();
    const query = manager
      .createQueryBuilder(AuditCheckpoint, 'c')
      .where('c.seq > :afterSeq', { afterSeq })
      .orderBy('c.seq', 'ASC');
    if (throughSeq !== undefined) query.andWhere('c.seq <= :throughSeq', { throughSeq });
    return query.getMany();
  }

  /** How many checkpoints sign a position after `afterSeq` (those before it went with purged events). */
  async countCheckpointsAfter(afterSeq: number): Promise<number> {
    const manager = await this.unitOfWork.manager();
    return manager
      .createQueryBuilder(AuditCheckpoint, 'c')
      .where('c.seq > :afterSeq', { afterSeq })
      .getCount();
  }

  /** Stores a checkpoint; another instance may have signed the same position already, which is fine. */
  async insertCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    const manager = await this.unitOfWork.manager();
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuditCheckpoint)
      .values(checkpoint)
      .orIgnore()
      .execute();
  }

  /**
   * Retention, the one sanctioned deletion (in the current unit of work): raises the anchor to `through` (the
   * last purged event) and deletes every event and checkpoint up to it. The anchor moves only forward, in one
   * conditional statement, so two instances purging at once cannot both act; returns the events deleted
   * (0 when another purge got there first). The append-only triggers allow exactly this (see the migration).
   */
  async purgeThrough(
    through: SignedPosition,
    mac: string | null,
    purgedBefore: Date,
    now: Date,
  ): Promise<number> {
    const manager = await this.unitOfWork.manager();
    if (manager.connection.options.type === 'postgres') {
      await manager.query("SELECT set_config('aegis.audit_purge', 'on', true)");
    }
    const moved = await manager
      .createQueryBuilder()
      .update(AuditChainAnchor)
      .set({ seq: through.seq, hash: through.hash, mac, purgedBefore, updatedAt: now })
      .where('id = :id', { id: ANCHOR_ID })
      .andWhere('seq < :seq', { seq: through.seq })
      .execute();
    if (moved.affected !== 1) return 0;
    const deleted = await manager
      .createQueryBuilder()
      .delete()
      .from(AuditEvent)
      .where('seq <= :seq', { seq: through.seq })
      .execute();
    await manager
      .createQueryBuilder()
      .delete()
      .from(AuditCheckpoint)
      .where('seq <= :seq', { seq: through.seq })
      .execute();
    return deleted.affected ?? 0;
  }
}
