import { Logger } from '@nestjs/common';

export interface PeriodicTaskSchedule {
  /** The first run after this long instead of after one interval (e.g. soon after start for an hourly job). */
  firstRunAfterMs?: number;
}

/**
 * A background job on plain timers (no scheduler dependency) that never keeps the process alive and never throws
 * into the event loop: a failed run is logged and the next one tries again. A run never overlaps the previous
 * one (a tick while it is in progress is skipped), and stop() waits for a run in progress, so shutdown can
 * close the database after it. An interval of 0 disables the job.
 */
export class PeriodicTask {
  private readonly timers: NodeJS.Timeout[] = [];
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly job: () => Promise<unknown>,
    private readonly logger = new Logger(name),
  ) {}

  start(intervalMs: number, schedule: PeriodicTaskSchedule = {}): void {
    if (intervalMs === 0) return;
    this.stopped = false;
    this.timers.push(setInterval(() => this.trigger(), intervalMs).unref());
    if (schedule.firstRunAfterMs !== undefined)
      this.timers.push(setTimeout(() => this.trigger(), schedule.firstRunAfterMs).unref());
  }

  /** Clears the timers, then waits for a run in progress (it is never interrupted). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
    await this.running;
  }

  private trigger(): void {
    if (this.running !== undefined || this.stopped) return;
    this.running = this.runOnce().finally(() => (this.running = undefined));
  }

  private async runOnce(): Promise<void> {
    try {
      await this.job();
    } catch (error) {
      this.logger.error(
        `${this.name} failed: ${error instanceof Error ? error.message : String(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
    }
  }
}
