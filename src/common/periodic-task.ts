import { Logger } from '@nestjs/common';

/**
 * A background job on a timer that never keeps the process alive and never throws into the event loop:
 * a failed run is logged and the next one tries again. `intervalMs` 0 disables it.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private readonly logger: Logger;

  constructor(
    private readonly name: string,
    private readonly run: () => Promise<unknown>,
  ) {
    this.logger = new Logger(name);
  }

  start(intervalMs: number): void {
    if (intervalMs === 0) return;
    this.timer = setInterval(
      () =>
        void this.run().catch((error: unknown) =>
          this.logger.warn(
            `${this.name} failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        ),
      intervalMs,
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
