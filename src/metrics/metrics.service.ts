import { Injectable, Logger } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/**
 * The instance's Prometheus registry. One per application (not prom-client's global registry), so several
 * apps in one process (the e2e tests) do not collide. Features create their metrics here; nothing else in
 * the code base imports prom-client.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly logger = new Logger('Metrics');

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<Label extends string>(
    configuration: Omit<CounterConfiguration<Label>, 'registers'>,
  ): Counter<Label> {
    return new Counter({ ...configuration, registers: [this.registry] });
  }

  histogram<Label extends string>(
    configuration: Omit<HistogramConfiguration<Label>, 'registers'>,
  ): Histogram<Label> {
    return new Histogram({ ...configuration, registers: [this.registry] });
  }

  gauge<Label extends string>(
    configuration: Omit<GaugeConfiguration<Label>, 'registers'>,
  ): Gauge<Label> {
    return new Gauge({ ...configuration, registers: [this.registry] });
  }

  /**
   * A gauge read at scrape time. When reading fails (the database is down) the scrape still succeeds and
   * the gauge keeps its last value; the failure is logged.
   */
  gaugeReadAtScrape(name: string, help: string, read: () => Promise<number>): void {
    const logger = this.logger;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        try {
          this.set(await read());
        } catch (error) {
          logger.warn(
            `Could not read ${name}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
