import { Injectable, Logger } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { Gauge } from 'prom-client';
import { Metrics } from '../metrics/metrics.service';

/** Why a dependency is down, as the check reported it (a driver message), or undefined. */
function causeOf(detail: Record<string, unknown>): string | undefined {
  return typeof detail.message === 'string' ? detail.message : undefined;
}

/**
 * The outcome of the last readiness check, as `aegis_ready` and in the log. Logged when it changes, not on
 * every probe: a load balancer asks every few seconds, and one line per failed probe (terminus logs each at
 * `error`, its details as escaped JSON in the message) buries the event. The instance starts ready (it
 * listens only once the database answered).
 */
@Injectable()
export class ReadinessState {
  private readonly logger = new Logger('Readiness');
  private readonly gauge: Gauge;
  private ready = true;

  constructor(metrics: Metrics) {
    this.gauge = metrics.gauge({
      name: 'aegis_ready',
      help: '1 when the last GET /health/ready passed, 0 when a dependency was down or the instance is shutting down',
    });
    this.gauge.set(1);
  }

  nowReady(): void {
    this.gauge.set(1);
    if (this.ready) return;
    this.ready = true;
    this.logger.log({ msg: 'Ready again: every dependency answers', ready: true });
  }

  notReady(result: HealthCheckResult): void {
    this.gauge.set(0);
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

  /** The shutdown logs itself (context Shutdown): only the gauge changes. */
  shuttingDown(): void {
    this.gauge.set(0);
  }
}
