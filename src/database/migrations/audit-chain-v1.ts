import { createHash } from 'node:crypto';

/**
 * Version 1 of the audit chain's hashing, frozen for the migrations that compute hashes: a migration must give
 * the same result forever, so it never imports the live code (which may gain a version 2). A test vector pins
 * this copy and the live one to the same hash.
 */
export const GENESIS_HASH_V1 = '0'.repeat(64);

export interface ChainedFieldsV1 {
  seq: number;
  id: string;
  occurredAt: Date;
  actorUserId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  details: Record<string, string | number | boolean | null>;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export function chainHashV1(prevHash: string, event: ChainedFieldsV1): string {
  const details: ChainedFieldsV1['details'] = {};
  for (const key of Object.keys(event.details).sort()) details[key] = event.details[key];
  const serialised = JSON.stringify([
    'aegis.audit.v1',
    event.seq,
    event.id,
    event.occurredAt.toISOString(),
    event.actorUserId,
    event.action,
    event.resourceType,
    event.resourceId,
    event.outcome,
    details,
    event.ip,
    event.userAgent,
    event.requestId,
  ]);
  return createHash('sha256').update(prevHash).update(serialised).digest('hex');
}
