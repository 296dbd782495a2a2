import { Injectable, Logger } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';

/** Why a dependency is down, as the check reported it (a driver message), or undefined. */
function causeOf(detail: Record<string, unknown>): string | undefined {
  return typeof detail.message === 'string' ? detail.message : undefined;
}

/**
 * Logs readiness when it changes, not on every probe: a load balancer asks every few seconds, and one line per
 * failed probe (terminus logs each at `error`, its details as escaped JSON in the message) buries the event.
 * The instance starts ready (it listens only once the database answered).
 */
@Injectable()
export class ReadinessLog {
  private readonly logger = new Logger('Readiness');
  private ready = true;

  nowReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.logger.log({ msg: 'Ready again: every dependency answers', ready: true });
  }

  notReady(result: HealthCheckResult): void {
    if (!this.ready) return;
    this.ready = false;
    const down = Object.entries(result.details).filter(([, detail]) => detail.status === 'down');
    this.logger.warn({
      msg: `Not ready: unreachable: ${down.map(([key]) => key).join(', ')}`,
      ready: false,
      down: down.map(([key]) => key),
      causes: Object.fromEntries(down.map(([key, detail]) => [key, causeOf(detail)])),
    });
  }
}
