import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { AppConfig } from '../config/app-config';
import { APP_LOGGER, createAppLogger, LOG_DESTINATION, stdoutDestination } from './app-logger';
import { RequestLog } from './request-log';

/** The one pino logger of the application, for nestjs-pino and RequestLog alike. */
@Module({
  providers: [
    { provide: LOG_DESTINATION, useFactory: stdoutDestination },
    {
      provide: APP_LOGGER,
      inject: [AppConfig, LOG_DESTINATION],
      useFactory: (config: AppConfig, destination: DestinationStream) =>
        createAppLogger(config.logLevel, destination),
    },
  ],
  exports: [APP_LOGGER],
})
class AppLoggerModule {}

/**
 * JSON logs through pino. nestjs-pino makes every Nest `Logger` write through the same logger, with the
 * request id bound inside a request. Its own per-request logging is off (RequestLog writes one line per
 * request with exactly the fields wanted), and its request logger binds only the request id, never the
 * request itself (headers carry cookies and tokens).
 */
@Global()
@Module({
  imports: [
    AppLoggerModule,
    LoggerModule.forRootAsync({
      imports: [AppLoggerModule],
      inject: [APP_LOGGER],
      useFactory: (logger: Logger) => ({
        pinoHttp: {
          logger,
          autoLogging: false,
          quietReqLogger: true,
          quietResLogger: true,
          customAttributeKeys: { reqId: 'request_id' },
        },
      }),
    }),
  ],
  providers: [RequestLog],
})
export class LoggingModule {}
