import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/bigint-number.transformer';

/** The one row of audit_chain_anchor. */
export const ANCHOR_ID = 1;

/**
 * Where the kept chain starts: the position and hash of the last event retention purged (0 and the genesis
 * hash while nothing was purged). The first kept event's `prev_hash` must equal `hash`.
 */
@Entity({ name: 'audit_chain_anchor' })
export class AuditChainAnchor {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  seq!: number;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  /** Signed with AUDIT_HMAC_KEY when the purge ran with it, so an unsanctioned prefix deletion shows. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  mac!: string | null;

  /** The retention cut-off of the purge that set this anchor. */
  @Column({ name: 'purged_before', type: Date, nullable: true })
  purgedBefore!: Date | null;

  @Column({ name: 'updated_at', type: Date, nullable: true })
  updatedAt!: Date | null;
}
