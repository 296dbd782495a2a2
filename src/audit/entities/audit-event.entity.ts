import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/bigint-number.transformer';

export type AuditOutcome = 'success' | 'failure';
export type ChainVersion = 1 | 2;
/** Flat, scalar details: easy to search, and canonical to serialise. */
export type AuditDetails = Record<string, string | number | boolean | null>;

/**
 * One security-relevant event. Never holds a password, hash, token, cookie or Authorization value.
 * Events form a hash chain (`seq`, `prev_hash`, `hash`; see audit-chain.ts) and are never updated.
 */
@Entity({ name: 'audit_events' })
export class AuditEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'occurred_at', type: Date })
  occurredAt!: Date;

  @Column({ name: 'actor_user_id', type: 'varchar', length: 36, nullable: true })
  actorUserId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 64 })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: 128, nullable: true })
  resourceId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: AuditOutcome;

  @Column({ type: 'simple-json' })
  details!: AuditDetails;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  /** The chain format the row's hash uses (audit-chain.ts): 1 for rows written before usernames were kept. */
  @Column({ name: 'chain_version', type: 'integer' })
  chainVersion!: ChainVersion;

  /** The actor's username when the event happened (null: no actor, or a version-1 row). */
  @Column({ name: 'actor_username', type: 'varchar', length: 64, nullable: true })
  actorUsername!: string | null;

  /** The username of the account the event is about, when it is about one, as it was then. */
  @Column({ name: 'target_username', type: 'varchar', length: 64, nullable: true })
  targetUsername!: string | null;

  /** Position in the chain: 1, 2, 3… with no gaps (retention only ever removes a prefix). */
  @Column({ type: 'bigint', transformer: bigintNumber })
  seq!: number;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}
