import { account, NOW, session } from '../../../test/support/auth-fixtures';
import type { SessionPrincipal } from '../session-principal.repository';
import { PrincipalCache } from './principal-cache';

const principal = (sessionId = 's-1', userId = 'u-1'): SessionPrincipal => ({
  session: session({ id: sessionId, userId }),
  user: account({ id: userId }),
});

function serving(capacity = 3, maxAgeMs = 5_000) {
  const clock = { now: 0 };
  const cache = new PrincipalCache(capacity, maxAgeMs, () => clock.now);
  cache.resume();
  return { cache, clock };
}

describe('PrincipalCache', () => {
  it('serves a stored principal until its maximum age, and not after', () => {
    const { cache, clock } = serving();
    cache.store(cache.ticket(), principal());
    clock.now = 5_000;
    expect(cache.get('s-1')?.user.id).toBe('u-1');
    clock.now = 5_001;
    expect(cache.get('s-1')).toBeUndefined();
  });

  it('serves and stores nothing until its invalidation feed resumes it, nor after it is suspended', () => {
    const cache = new PrincipalCache(3, 5_000, () => 0);
    cache.store(cache.ticket(), principal());
    expect(cache.get('s-1')).toBeUndefined();
    cache.resume();
    cache.store(cache.ticket(), principal());
    cache.suspend();
    expect(cache.get('s-1')).toBeUndefined();
    cache.resume();
    expect(cache.get('s-1')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond its capacity', () => {
    const { cache } = serving(2);
    cache.store(cache.ticket(), principal('s-1'));
    cache.store(cache.ticket(), principal('s-2'));
    cache.get('s-1');
    cache.store(cache.ticket(), principal('s-3'));
    expect(cache.get('s-2')).toBeUndefined();
    expect(cache.get('s-1')).toBeDefined();
    expect(cache.get('s-3')).toBeDefined();
  });

  it('forgets one session, every session of a user, or everything', () => {
    const { cache } = serving(5);
    for (const [s, u] of [
      ['s-1', 'u-1'],
      ['s-2', 'u-1'],
      ['s-3', 'u-2'],
      ['s-4', 'u-2'],
    ])
      cache.store(cache.ticket(), principal(s, u));
    cache.forget({ sessionId: 's-3' });
    expect(cache.get('s-3')).toBeUndefined();
    cache.forget({ userId: 'u-1' });
    expect([cache.get('s-1'), cache.get('s-2')]).toEqual([undefined, undefined]);
    expect(cache.get('s-4')).toBeDefined();
    cache.forget('all');
    expect(cache.size).toBe(0);
  });

  it('drops a read that began before an invalidation (it may hold the old row)', () => {
    const { cache } = serving();
    const ticket = cache.ticket();
    cache.forget({ sessionId: 'another' });
    cache.store(ticket, principal());
    expect(cache.get('s-1')).toBeUndefined();
  });

  it('stores nothing while a write is in flight, and forgets its target again when it ends', () => {
    const { cache } = serving();
    cache.store(cache.ticket(), principal());
    cache.writeStarted({ sessionId: 's-1' });
    expect(cache.get('s-1')).toBeUndefined();
    // A read between the write and its commit (or rollback) may see either row: it is not kept.
    cache.store(cache.ticket(), { ...principal(), session: session({ revokedAt: NOW }) });
    expect(cache.get('s-1')).toBeUndefined();
    cache.writeEnded({ sessionId: 's-1' });
    cache.store(cache.ticket(), principal());
    expect(cache.get('s-1')).toBeDefined();
  });

  it('keeps nothing when its capacity is 0', () => {
    const { cache } = serving(0);
    cache.store(cache.ticket(), principal());
    expect(cache.serving).toBe(false);
    expect(cache.get('s-1')).toBeUndefined();
  });

  it('hands out a frozen principal: no caller can change what the next request sees', () => {
    const { cache } = serving();
    cache.store(cache.ticket(), principal());
    const cached = cache.get('s-1')!;
    expect(() => ((cached.user as { role: string }).role = 'admin')).toThrow(TypeError);
    expect(() => cached.session.amr.push('otp')).toThrow(TypeError);
  });
});
