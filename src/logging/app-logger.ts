import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { REDACTED_PATHS, REDACTION_CENSOR } from './redaction';
import { currentRequestId } from './request-context';

/** The application's pino logger (JSON lines). Injected under this token. */
export const APP_LOGGER = Symbol('APP_LOGGER');
/** Where log lines go: stdout. The tests swap in a stream they can read. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/** LOG_LEVEL speaks Nest's names; pino's are these. */
const PINO_LEVEL: Record<AppConfig['logLevel'], Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Standard output, synchronously: a line written just before the process exits is not lost. */
export function stdoutDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: true });
}

export function createAppLogger(
  level: AppConfig['logLevel'],
  destination: DestinationStream,
): Logger {
  return pino(
    {
      level: PINO_LEVEL[level],
      base: { service: 'aegis', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: REDACTION_CENSOR },
      // A line written while serving a request names it (fields the line sets itself win).
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { request_id: requestId };
      },
    },
    destination,
  );
}
