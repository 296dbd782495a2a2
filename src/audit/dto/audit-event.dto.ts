import { ApiProperty } from '@nestjs/swagger';
import { AuditAction } from '../audit-action';
import type { AuditDetails, AuditEvent, AuditOutcome } from '../entities/audit-event.entity';

/** One audit event as the API and the NDJSON export show it, chain fields included. */
export class AuditEventDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'Position in the hash chain: 1, 2, 3… without gaps.',
    example: 1042,
  })
  seq!: number;

  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time', description: 'UTC.' })
  occurred_at!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actor_user_id!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The actor's username when the event happened (null on rows of chain version 1)",
  })
  actor_username!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The username of the account the event is about, as it was then',
  })
  target_username!: string | null;

  @ApiProperty({
    enum: [1, 2],
    description:
      'The hash format of the row: 2 covers the usernames, 1 (older rows) does not have them',
  })
  chain_version!: number;

  @ApiProperty({ enum: AuditAction, enumName: 'AuditAction' })
  action!: string;

  @ApiProperty({ example: 'user' })
  resource_type!: string;

  @ApiProperty({ type: String, nullable: true })
  resource_id!: string | null;

  @ApiProperty({ enum: ['success', 'failure'] })
  outcome!: AuditOutcome;

  @ApiProperty({
    type: 'object',
    additionalProperties: {
      oneOf: [{ type: 'string', nullable: true }, { type: 'number' }, { type: 'boolean' }],
    },
    description: 'Flat, scalar details (a value may be null); see the catalogue in docs/audit.md.',
    example: { username: 'alice', reason: 'invalid_credentials' },
  })
  details!: AuditDetails;

  @ApiProperty({ type: String, nullable: true, description: 'The client IP.' })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  user_agent!: string | null;

  @ApiProperty({ type: String, nullable: true })
  request_id!: string | null;

  @ApiProperty({ description: 'The hash of the previous event (hex SHA-256).' })
  prev_hash!: string;

  @ApiProperty({ description: 'SHA-256(prev_hash ‖ canonical serialisation of this event), hex.' })
  hash!: string;

  static from(event: AuditEvent): AuditEventDto {
    return {
      seq: event.seq,
      id: event.id,
      occurred_at: event.occurredAt.toISOString(),
      actor_user_id: event.actorUserId,
      actor_username: event.actorUsername,
      target_username: event.targetUsername,
      chain_version: event.chainVersion,
      action: event.action,
      resource_type: event.resourceType,
      resource_id: event.resourceId,
      outcome: event.outcome,
      details: event.details,
      ip: event.ip,
      user_agent: event.userAgent,
      request_id: event.requestId,
      prev_hash: event.prevHash,
      hash: event.hash,
    };
  }
}
