import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/bigint-number.transformer';

/**
 * A signed statement that the event at `seq` had `hash` when the checkpoint was taken. The signature uses
 * AUDIT_HMAC_KEY, which is not in the database, so rewriting the chain (even consistently) is detected.
 */
@Entity({ name: 'audit_checkpoints' })
export class AuditCheckpoint {
  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber })
  seq!: number;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  @Column({ type: 'varchar', length: 64 })
  mac!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
