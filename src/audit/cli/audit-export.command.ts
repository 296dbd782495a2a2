import { isISO8601 } from 'class-validator';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import {
  CliCommand,
  type CliCommandRunner,
  type CliOutput,
  type CliValues,
} from '../../common/cli/cli-command';
import { auditNdjson } from '../audit-ndjson';
import { AuditQueryService } from '../audit-query.service';
import { INSTANT_PATTERN, toInstant } from '../dto/instant';

function instantOption(value: string | boolean | undefined): Date | undefined | 'invalid' {
  if (typeof value !== 'string') return undefined;
  return INSTANT_PATTERN.test(value) && isISO8601(value, { strict: true })
    ? toInstant(value)
    : 'invalid';
}

/** Writes with back-pressure: a slow disk or pipe slows the reads down instead of filling memory. */
async function drainInto(source: AsyncIterable<Buffer | string>, target: Writable): Promise<void> {
  for await (const chunk of source) {
    if (!target.write(chunk)) await once(target, 'drain');
  }
}

/** `npm run cli -- audit:export [--from] [--to] [--output file]`: NDJSON, oldest first, like the HTTP export. */
@CliCommand({
  name: 'audit:export',
  summary: 'Export audit events as NDJSON (oldest first) to a file or stdout',
  options: {
    from: { type: 'string', description: 'Events at or after this ISO 8601 instant' },
    to: { type: 'string', description: 'Events before this ISO 8601 instant' },
    output: { type: 'string', description: 'File to write (default: stdout)' },
  },
})
export class AuditExportCommand implements CliCommandRunner {
  constructor(private readonly query: AuditQueryService) {}

  async run(values: CliValues, output: CliOutput): Promise<number> {
    const from = instantOption(values.from as string | undefined);
    const to = instantOption(values.to as string | undefined);
    if (from === 'invalid' || to === 'invalid') {
      output.err('--from and --to must be ISO 8601 dates or date-times, e.g. 2025-06-01T00:00:00Z');
      return 2;
    }
    if (from !== undefined && to !== undefined && from > to) {
      output.err('--from must not be after --to');
      return 2;
    }
    const batches = await this.query.export({ from, to });
    let count = 0;
    const counted = (async function* counting() {
      for await (const batch of batches) {
        count += batch.length;
        yield batch;
      }
    })();
    const ndjson = auditNdjson(counted);
    if (typeof values.output === 'string') {
      const file = createWriteStream(values.output, { flags: 'wx', mode: 0o600 });
      await once(file, 'open');
      await drainInto(ndjson, file);
      file.end();
      await once(file, 'finish');
    } else {
      await drainInto(ndjson, process.stdout);
    }
    output.err(`Exported ${count} audit events`);
    return 0;
  }
}
