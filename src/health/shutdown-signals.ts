import { Logger, type INestApplication } from '@nestjs/common';
import { GracefulShutdown } from './graceful-shutdown';

/** The signals a process manager, a container runtime or a terminal sends to stop the service. */
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * Stops the service on a shutdown signal: first the drain (readiness 503 while everything else keeps running:
 * periodic jobs, back-channel logout delivery, request logging), then Nest's shutdown hooks. Nest's own signal
 * handling would run every module's destroy hook before any drain, stopping the jobs for the whole drain period.
 * The process exits itself afterwards: re-raising the signal is ignored by PID 1 in a container without an init.
 */
export function closeOnShutdownSignals(app: INestApplication): void {
  const shutdown = app.get(GracefulShutdown);
  let started = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (started) return;
    started = true;
    void (async () => {
      try {
        await shutdown.drain(signal);
        await app.close();
        process.exit(0);
      } catch (error) {
        new Logger('Shutdown').error(
          `Shutdown after ${signal} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exit(1);
      }
    })();
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
}
