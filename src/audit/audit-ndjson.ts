import { Readable } from 'node:stream';
import { lineSafeJson } from '../common/text/safe-text';
import { AuditEventDto } from './dto/audit-event.dto';
import type { AuditEvent } from './entities/audit-event.entity';

/**
 * Newline-delimited JSON, one event (as {@link AuditEventDto}) per line, one batch per chunk. The stream pulls
 * the next batch only when the consumer wants more, so memory stays flat however many events there are.
 */
export function auditNdjson(batches: AsyncIterable<AuditEvent[]>): Readable {
  return Readable.from(
    (async function* lines() {
      for await (const batch of batches) {
        yield batch
          .map((event) => `${lineSafeJson(JSON.stringify(AuditEventDto.from(event)))}\n`)
          .join('');
      }
    })(),
    { objectMode: false },
  );
}
