/** One event and its version-1 hash: the live chain and the migrations' frozen copy must both give it, forever. */
export const AUDIT_CHAIN_V1_VECTOR = {
  event: {
    seq: 7,
    id: '3f1c1c52-2b0e-4a43-9d2e-7a1f3c1d2e4b',
    occurredAt: new Date('2025-06-01T12:00:00.123Z'),
    actorUserId: null,
    action: 'LOGIN_FAILED',
    resourceType: 'auth',
    resourceId: null,
    outcome: 'failure' as const,
    details: { username: 'alice', reason: 'invalid_credentials' },
    ip: '203.0.113.9',
    userAgent: 'curl/8',
    requestId: 'req-1',
  },
  hash: 'f3f4b6850bfb6bba11fc3bd0a85698c8ce97f4c6ac4f505aded7dadede2871bc',
};
