import { AUDIT_CHAIN_V1_VECTOR } from '../../../test/support/audit-chain-vector';
import { chainHashV1, GENESIS_HASH_V1 } from './audit-chain-v1';

describe("the migrations' frozen copy of the audit chain hash (version 1)", () => {
  it('gives the pinned hash for the test vector', () => {
    expect(chainHashV1(GENESIS_HASH_V1, AUDIT_CHAIN_V1_VECTOR.event)).toBe(
      AUDIT_CHAIN_V1_VECTOR.hash,
    );
  });
});
