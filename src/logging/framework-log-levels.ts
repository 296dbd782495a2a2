import type { LoggerService } from '@nestjs/common';

/**
 * Nest's own start-up narration (each module initialised, each route mapped, "starting", "started"): about
 * 75 lines an operator does not need at the default level. They stay available at LOG_LEVEL=debug.
 */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Nest passes the context as the last argument of a log call. */
const contextOf = (params: unknown[]) => {
  const last = params.at(-1);
  return typeof last === 'string' ? last : undefined;
};

/** The application's logger with Nest's framework lines moved from `log` to `debug`. */
export class FrameworkLinesAtDebug implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    if (context !== undefined && FRAMEWORK_CONTEXTS.has(context) && this.inner.debug) {
      this.inner.debug(message, ...params);
      return;
    }
    this.inner.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    (this.inner.fatal ?? this.inner.error).call(this.inner, message, ...params);
  }
}
