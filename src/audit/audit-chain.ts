import { createHash } from 'node:crypto';
import type { AuditDetails, AuditOutcome, ChainVersion } from './entities/audit-event.entity';

/** The `prev_hash` of the very first event: nothing came before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its hash covers: all of them but `prev_hash` (chained) and `hash` itself. */
export interface ChainedFields {
  seq: number;
  id: string;
  occurredAt: Date;
  actorUserId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: AuditOutcome;
  details: AuditDetails;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** Absent or 1: the version-1 format, which covers none of the fields below. */
  chainVersion?: ChainVersion;
  actorUsername?: string | null;
  targetUsername?: string | null;
}

/** The format every new event is written in. */
export const CURRENT_CHAIN_VERSION: ChainVersion = 2;

/** Keys sorted, so the same details always serialise to the same text whatever order they were built in. */
function sortedDetails(details: AuditDetails): AuditDetails {
  const sorted: AuditDetails = {};
  for (const key of Object.keys(details).sort()) sorted[key] = details[key];
  return sorted;
}

/**
 * The canonical serialisation of an event, version 1: a JSON array in a fixed field order. It is computed from
 * the values as stored and read back on either database, so the writer and any later verifier agree.
 * Never change it: every stored hash depends on it (a new format needs a new version tag, not an edit).
 */
export function canonicalSerialisation(event: ChainedFields): string {
  return JSON.stringify([
    'aegis.audit.v1',
    event.seq,
    event.id,
    event.occurredAt.toISOString(),
    event.actorUserId,
    event.action,
    event.resourceType,
    event.resourceId,
    event.outcome,
    sortedDetails(event.details),
    event.ip,
    event.userAgent,
    event.requestId,
  ]);
}

/**
 * Version 2: the version-1 array under the tag of the row's `chain_version`, followed by the actor's and the
 * target's username. The version is thereby covered too: a version-2 row relabelled 1 or 3 hashes differently,
 * so neither a name nor the version can be changed unseen. Never change it either.
 */
export function canonicalSerialisationV2(event: ChainedFields): string {
  return JSON.stringify([
    `aegis.audit.v${event.chainVersion ?? 1}`,
    event.seq,
    event.id,
    event.occurredAt.toISOString(),
    event.actorUserId,
    event.action,
    event.resourceType,
    event.resourceId,
    event.outcome,
    sortedDetails(event.details),
    event.ip,
    event.userAgent,
    event.requestId,
    event.actorUsername ?? null,
    event.targetUsername ?? null,
  ]);
}

/** hash = SHA-256(prev_hash ‖ canonical serialisation), hex: each event commits to every event before it. */
export function chainHash(prevHash: string, event: ChainedFields): string {
  // A version-1 row carries no names: one given names afterwards is hashed as if it had them, and so no
  // longer matches the hash it was written with.
  const versionOne =
    (event.chainVersion ?? 1) === 1 &&
    (event.actorUsername ?? null) === null &&
    (event.targetUsername ?? null) === null;
  const serialised = versionOne ? canonicalSerialisation(event) : canonicalSerialisationV2(event);
  return createHash('sha256').update(prevHash).update(serialised).digest('hex');
}
