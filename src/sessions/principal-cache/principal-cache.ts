import type { PrincipalTarget } from '../../events/app-events';
import type { SessionPrincipal } from '../session-principal.repository';

export type { PrincipalTarget };

interface Entry {
  principal: SessionPrincipal;
  /** Monotonic milliseconds (not the app's Clock: a test's fake clock must not keep an entry alive). */
  storedAt: number;
}

/**
 * Session principals as last read from the database, per session id: a bounded LRU, each entry good for at
 * most `maxAgeMs`. It only saves the read; the caller still checks liveness, user and subject on every request.
 *
 * Three rules keep a stale row from being served once a write that could change the decision has happened:
 * - Nothing is served or stored while the cache is suspended (its invalidation feed is down: what was
 *   missed meanwhile is unknown) — every request then reads the database.
 * - A write forgets its target when it starts and again when its transaction ends (commit or rollback), and
 *   while any such write is in flight nothing is stored: a read in between may see the uncommitted row (on
 *   SQLite, reads share the writer's connection) or the old one (PostgreSQL).
 * - A read is stored only if nothing was forgotten since it began (`ticket()` before the read, `store()`
 *   after): a read that raced an invalidation cannot put the old row back.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation; a read taken before a bump is not stored. */
  private epoch = 0;
  private writesInFlight = 0;
  private suspended = true;

  constructor(
    readonly capacity: number,
    readonly maxAgeMs: number,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {}

  /** Whether lookups may be served from memory now (enabled, and the invalidation feed is up). */
  get serving(): boolean {
    return this.capacity > 0 && !this.suspended;
  }

  get size(): number {
    return this.entries.size;
  }

  get(sessionId: string): SessionPrincipal | undefined {
    if (!this.serving) return undefined;
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return undefined;
    const age = this.monotonicNow() - entry.storedAt;
    this.entries.delete(sessionId);
    if (age > this.maxAgeMs || age < 0) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.set(sessionId, entry);
    return entry.principal;
  }

  /** Taken right before a database read; `store()` keeps that read only if the ticket is still current. */
  ticket(): number {
    return this.epoch;
  }

  store(ticket: number, principal: SessionPrincipal): void {
    if (!this.serving || ticket !== this.epoch || this.writesInFlight > 0) return;
    const id = principal.session.id;
    this.entries.delete(id);
    this.entries.set(id, { principal: freeze(principal), storedAt: this.monotonicNow() });
    while (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  forget(target: PrincipalTarget): void {
    this.epoch++;
    if (target === 'all') this.entries.clear();
    else if ('sessionId' in target) this.entries.delete(target.sessionId);
    else {
      for (const [id, entry] of this.entries) {
        if (entry.principal.user.id === target.userId) this.entries.delete(id);
      }
    }
  }

  writeStarted(target: PrincipalTarget): void {
    this.writesInFlight++;
    this.forget(target);
  }

  writeEnded(target: PrincipalTarget): void {
    this.writesInFlight = Math.max(0, this.writesInFlight - 1);
    this.forget(target);
  }

  /** The invalidation feed is down: serve nothing, keep nothing. */
  suspend(): void {
    this.suspended = true;
    this.forget('all');
  }

  /** The invalidation feed is up (again): start from empty, as anything may have changed meanwhile. */
  resume(): void {
    this.forget('all');
    this.suspended = false;
  }
}

/** Callers share the cached object: none of them may change it for the next request. */
function freeze(principal: SessionPrincipal): SessionPrincipal {
  Object.freeze(principal.session.amr);
  Object.freeze(principal.session);
  Object.freeze(principal.user);
  return Object.freeze(principal);
}
