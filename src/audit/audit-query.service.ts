import { Injectable } from '@nestjs/common';
import { ValidationError } from '../common/errors/domain-error';
import { AuditRepository, type AuditSearchFilter, type AuditTimeRange } from './audit.repository';
import type { AuditEvent } from './entities/audit-event.entity';

/** Events per query of an export: memory stays flat for any number of events. */
const EXPORT_BATCH = 1_000;

export interface AuditPage {
  /** Newest first. */
  events: AuditEvent[];
  /** The seq to continue below, or null on the last page. */
  nextCursor: number | null;
}

/** Reading the audit log: search pages for people, a chronological stream for a SIEM. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly repository: AuditRepository) {}

  /**
   * One page, newest first, continuing below `filter.beforeSeq`. The cursor is a chain position, so events
   * appended between two requests never shift a page: no duplicate, no gap.
   */
  async search(filter: AuditSearchFilter, limit: number): Promise<AuditPage> {
    assertRange(filter);
    const events = await this.repository.search(filter, limit + 1);
    const more = events.length > limit;
    if (more) events.length = limit;
    return { events, nextCursor: more ? events[limit - 1].seq : null };
  }

  /**
   * Every event in the range, oldest first, in batches read on demand (a slow consumer holds back the reads).
   * The first batch is read before this resolves, so a database failure is still an ordinary error response.
   */
  async export(range: AuditTimeRange): Promise<AsyncGenerator<AuditEvent[]>> {
    assertRange(range);
    const first = await this.repository.eventsAfter(0, EXPORT_BATCH, range);
    const repository = this.repository;
    return (async function* batches() {
      let batch = first;
      while (batch.length > 0) {
        yield batch;
        if (batch.length < EXPORT_BATCH) return;
        batch = await repository.eventsAfter(batch[batch.length - 1].seq, EXPORT_BATCH, range);
      }
    })();
  }
}

function assertRange(range: AuditTimeRange): void {
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new ValidationError('from must not be after to', [
      { field: 'to', messages: ['to must not be before from'] },
    ]);
  }
}
