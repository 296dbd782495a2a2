import { AUDIT_CHAIN_V1_VECTOR } from '../../test/support/audit-chain-vector';
import { canonicalSerialisation, chainHash, GENESIS_HASH, type ChainedFields } from './audit-chain';

const event: ChainedFields = {
  seq: 7,
  id: '3f1c1c52-2b0e-4a43-9d2e-7a1f3c1d2e4b',
  occurredAt: new Date('2025-06-01T12:00:00.123Z'),
  actorUserId: null,
  action: 'LOGIN_FAILED',
  resourceType: 'auth',
  resourceId: null,
  outcome: 'failure',
  details: { username: 'alice', reason: 'invalid_credentials' },
  ip: '203.0.113.9',
  userAgent: 'curl/8',
  requestId: 'req-1',
};

describe('the audit hash chain', () => {
  it("gives the same hash as the migrations' frozen copy of version 1 (test vector)", () => {
    expect(chainHash(GENESIS_HASH, AUDIT_CHAIN_V1_VECTOR.event)).toBe(AUDIT_CHAIN_V1_VECTOR.hash);
  });

  it('serialises an event canonically: a versioned array in a fixed field order, details sorted by key', () => {
    expect(canonicalSerialisation(event)).toBe(
      '["aegis.audit.v1",7,"3f1c1c52-2b0e-4a43-9d2e-7a1f3c1d2e4b","2025-06-01T12:00:00.123Z",null,' +
        '"LOGIN_FAILED","auth",null,"failure",{"reason":"invalid_credentials","username":"alice"},' +
        '"203.0.113.9","curl/8","req-1"]',
    );
  });

  it('does not depend on the order details were built in', () => {
    const reordered = { ...event, details: { reason: 'invalid_credentials', username: 'alice' } };
    expect(chainHash(GENESIS_HASH, reordered)).toBe(chainHash(GENESIS_HASH, event));
  });

  it('is SHA-256 over the previous hash followed by the serialisation (hex)', () => {
    expect(chainHash(GENESIS_HASH, event)).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash('a'.repeat(64), event)).not.toBe(chainHash(GENESIS_HASH, event));
  });

  it.each<[string, Partial<ChainedFields>]>([
    ['seq', { seq: 8 }],
    ['id', { id: '00000000-0000-4000-8000-000000000000' }],
    ['time', { occurredAt: new Date('2025-06-01T12:00:00.124Z') }],
    ['actor', { actorUserId: '00000000-0000-4000-8000-000000000001' }],
    ['action', { action: 'LOGIN_SUCCESS' }],
    ['resource type', { resourceType: 'user' }],
    ['resource id', { resourceId: 'x' }],
    ['outcome', { outcome: 'success' }],
    ['details', { details: { username: 'alice', reason: 'account_disabled' } }],
    ['ip', { ip: '203.0.113.10' }],
    ['user agent', { userAgent: 'curl/9' }],
    ['request id', { requestId: 'req-2' }],
    // A field moved into another must not collide (the serialisation is unambiguous).
    ['null vs empty', { resourceId: '' }],
  ])('changes the hash when the %s changes', (_field, change) => {
    expect(chainHash(GENESIS_HASH, { ...event, ...change })).not.toBe(
      chainHash(GENESIS_HASH, event),
    );
  });
});

describe('chain format 2 (usernames)', () => {
  const v2: ChainedFields = {
    ...AUDIT_CHAIN_V1_VECTOR.event,
    chainVersion: 2,
    actorUsername: 'admin',
    targetUsername: 'alice',
  };

  it('leaves version-1 rows hashed exactly as before', () => {
    expect(chainHash(GENESIS_HASH, { ...AUDIT_CHAIN_V1_VECTOR.event, chainVersion: 1 })).toBe(
      AUDIT_CHAIN_V1_VECTOR.hash,
    );
  });

  it.each([
    ['the actor username', { actorUsername: 'mallory' }],
    ['the target username', { targetUsername: 'mallory' }],
    ['the actor username removed', { actorUsername: null }],
    ['the version, lowered to 1', { chainVersion: 1 as const }],
    ['the version, raised', { chainVersion: 3 as unknown as 2 }],
  ])('changes the hash when %s changes', (_what, change: Partial<ChainedFields>) => {
    expect(chainHash(GENESIS_HASH, { ...v2, ...change })).not.toBe(chainHash(GENESIS_HASH, v2));
  });

  it('does not let a version-1 row gain a name unseen', () => {
    expect(
      chainHash(GENESIS_HASH, {
        ...AUDIT_CHAIN_V1_VECTOR.event,
        chainVersion: 1,
        targetUsername: 'mallory',
      }),
    ).not.toBe(AUDIT_CHAIN_V1_VECTOR.hash);
  });
});
